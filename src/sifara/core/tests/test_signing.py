"""Ed25519 signing with the ministry's key (settings.SIFARA_SIGNING_KEY)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured

from sifara.core import signing


def test_sign_and_verify_round_trip():
    data = "سجل الحسابات الرسمية".encode()
    signature = signing.sign(data)
    assert len(signature) == 64
    assert signing.sign(data) == signature  # Ed25519 is deterministic
    assert signing.verify(data, signature, signing.public_key_pem())


def test_one_changed_byte_or_a_changed_signature_fails():
    data = b'{"accounts":[]}'
    signature = signing.sign(data)
    pem = signing.public_key_pem()
    assert not signing.verify(data[:-1] + b"!", signature, pem)
    assert not signing.verify(data, bytes([signature[0] ^ 1]) + signature[1:], pem)
    assert not signing.verify(data, b"short", pem)


def test_the_key_comes_from_the_seed_setting():
    seed = b"s" * 32  # the test profile's key
    expected = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    raw = expected.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert base64.b64decode(signing.public_key_raw_b64()) == raw
    assert signing.key_id() == hashlib.sha256(raw).hexdigest()[:16]
    assert re.fullmatch(r"[0-9a-f]{16}", signing.key_id())
    loaded = serialization.load_pem_public_key(signing.public_key_pem().encode())
    assert isinstance(loaded, Ed25519PublicKey)
    loaded.verify(signing.sign(b"x"), b"x")  # raises if the PEM is not our key


def test_another_seed_is_another_key(settings):
    before = (signing.key_id(), signing.public_key_pem())
    data = b"payload"
    signature = signing.sign(data)
    settings.SIFARA_SIGNING_KEY = b"t" * 32
    assert signing.key_id() != before[0]
    assert not signing.verify(data, signature, signing.public_key_pem())
    assert signing.verify(data, signature, before[1])


@pytest.mark.parametrize("seed", [b"", b"too short", b"x" * 33, "s" * 32, None])
def test_a_malformed_seed_is_a_configuration_error(settings, seed):
    settings.SIFARA_SIGNING_KEY = seed
    with pytest.raises(ImproperlyConfigured):
        signing.sign(b"data")


def test_verify_refuses_garbage_and_other_key_types():
    data = b"data"
    signature = signing.sign(data)
    assert not signing.verify(data, signature, "not a key")
    assert not signing.verify(
        data, signature, b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    )
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert not signing.verify(data, signature, ec_pem)
    other = Ed25519PrivateKey.generate().public_key()
    other_pem = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert not signing.verify(data, signature, other_pem)
