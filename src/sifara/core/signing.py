"""Ed25519 signatures for what the ministry publishes (the official-accounts registry).

The private key is the 32-byte seed in ``settings.SIFARA_SIGNING_KEY`` (generated
into the data directory by the embedded profile, required from the environment
in production). Only the public half ever leaves the server:
:func:`public_key_pem` and :func:`public_key_raw_b64` publish it and
:func:`key_id` names it, so a reader can tell which key signed a document.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEED_BYTES = 32


def _private_key() -> Ed25519PrivateKey:
    seed = getattr(settings, "SIFARA_SIGNING_KEY", None)
    if not isinstance(seed, bytes | bytearray) or len(seed) != SEED_BYTES:
        raise ImproperlyConfigured("SIFARA_SIGNING_KEY must be a 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(bytes(seed))


def _public_key() -> Ed25519PublicKey:
    return _private_key().public_key()


def public_key_raw() -> bytes:
    """The 32 raw bytes of the public key."""
    return _public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )


def sign(data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``data`` with the ministry's key."""
    return _private_key().sign(data)


def public_key_pem() -> str:
    """The public key as PEM (SubjectPublicKeyInfo), as ``openssl`` reads it."""
    return (
        _public_key()
        .public_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode("ascii")
    )


def public_key_raw_b64() -> str:
    """The raw 32-byte public key in standard base64."""
    return base64.b64encode(public_key_raw()).decode("ascii")


def key_id() -> str:
    """A short stable name for the key: the first 16 hex digits of SHA-256(raw public key)."""
    return hashlib.sha256(public_key_raw()).hexdigest()[:16]


def verify(data: bytes, signature: bytes, public_key_pem: str | bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``data`` under the PEM key.

    Answers ``False`` (never raises) for a wrong signature, a malformed key or a
    key that is not Ed25519.
    """
    pem = public_key_pem.encode("ascii") if isinstance(public_key_pem, str) else public_key_pem
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        return False
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(signature, data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
