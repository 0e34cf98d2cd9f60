"""Envelope encryption for classified content at rest (AES-256-GCM).

Every encrypted record gets its own random 256-bit *data key*
(:class:`~sifara.core.models.DataKey`), stored only wrapped (AES-256-GCM) by
the *master key*, which lives outside the database (``SIFARA_MASTER_KEY``).
A copy of the database alone therefore reveals no protected text.

* :func:`new_data_key` creates a data key (call inside the service's
  transaction, store its id on the record).
* :func:`encrypt` / :func:`decrypt` seal one value with a data key. ``context``
  (e.g. ``b"cable:42:body"``) is bound as associated data: a ciphertext moved to
  another record or field fails to decrypt instead of showing the wrong text.
* :func:`rotate` re-wraps every data key under the current master key. Keys
  wrapped under a previous master key stay readable while that key is listed in
  ``SIFARA_PREVIOUS_MASTER_KEYS``, so rotation needs no downtime: deploy the new
  key with the old one as "previous", run ``sifara keys rotate``, then drop the
  old key.

Any failure to unwrap or decrypt (a changed byte, a swapped key, an unknown
master key) raises :class:`DecryptionError`; callers show the record as
unreadable, never as silently wrong.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from sifara.core.models import DataKey

logger = logging.getLogger(__name__)

NONCE_BYTES = 12
KEY_BYTES = 32
_WRAP_CONTEXT = b"sifara:datakey:v1:"


class DecryptionError(Exception):
    """The value cannot be decrypted: it, its data key or the master key changed."""


def key_id(master_key: bytes) -> str:
    """A short public name for a master key (never the key itself)."""
    return hashlib.sha256(b"sifara:master-key-id:" + master_key).hexdigest()[:16]


def _check(key: object, name: str) -> bytes:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must be {KEY_BYTES} bytes")
    return bytes(key)


def current_master_key() -> bytes:
    return _check(getattr(settings, "SIFARA_MASTER_KEY", None), "SIFARA_MASTER_KEY")


def keyring() -> dict[str, bytes]:
    """Master keys able to unwrap: the current one and any previous ones."""
    ring = {}
    for index, key in enumerate(getattr(settings, "SIFARA_PREVIOUS_MASTER_KEYS", ()) or ()):
        checked = _check(key, f"SIFARA_PREVIOUS_MASTER_KEYS[{index}]")
        ring[key_id(checked)] = checked
    current = current_master_key()
    ring[key_id(current)] = current
    return ring


#: Keys found by re-reading the embedded profile's key files (see :func:`_reload_key_files`).
_reloaded: dict[str, bytes] = {}


def _reload_key_files() -> dict[str, bytes]:
    """Embedded profile: pick up keys written by ``sifara keys rotate --generate``.

    A running server meeting a data key wrapped under a master key it does not
    know re-reads ``keys/master.key`` and ``keys/master.previous`` once, so a
    rotation done by another process needs no restart to stay readable.
    """
    from sifara.settings.env import ConfigurationError
    from sifara.settings.keys import decode_key

    found: dict[str, bytes] = {}
    for name in ("MASTER_KEY_FILE", "PREVIOUS_MASTER_KEYS_FILE"):
        path = getattr(settings, name, None)
        if path is None or not path.exists():
            continue
        for line in path.read_text().split():
            try:
                key = decode_key(name, line)
            except ConfigurationError:
                # A damaged line must not hide the others; never log key material.
                logger.warning("ignoring a malformed key line in %s", path.name)
                continue
            found[key_id(key)] = key
    _reloaded.update(found)
    return found


def _master_for(master_key_id: str) -> bytes | None:
    ring = keyring()
    if master_key_id in ring:
        return ring[master_key_id]
    if master_key_id in _reloaded:
        return _reloaded[master_key_id]
    return _reload_key_files().get(master_key_id)


def _seal(key: bytes, data: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, aad)


def _open(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError("ciphertext too short")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc


def _wrap_aad(uid: uuid.UUID) -> bytes:
    return _WRAP_CONTEXT + uid.bytes


def new_data_key(*, purpose: str) -> DataKey:
    """Create and store a fresh data key wrapped by the current master key."""
    master = current_master_key()
    uid = uuid.uuid4()
    raw = AESGCM.generate_key(bit_length=256)
    return DataKey.objects.create(
        uid=uid,
        purpose=purpose,
        master_key_id=key_id(master),
        wrapped=_seal(master, raw, _wrap_aad(uid)),
    )


def unwrap(data_key: DataKey) -> bytes:
    """The raw data key. Raises :class:`DecryptionError` if it cannot be unwrapped."""
    master = _master_for(data_key.master_key_id)
    if master is None:
        raise DecryptionError(f"master key {data_key.master_key_id} is not configured")
    raw = _open(master, bytes(data_key.wrapped), _wrap_aad(data_key.uid))
    if len(raw) != KEY_BYTES:
        raise DecryptionError("data key has the wrong length")
    return raw


def encrypt(data: bytes, *, key: DataKey, context: bytes) -> bytes:
    """``nonce || ciphertext+tag`` of ``data`` under ``key``, bound to ``context``."""
    return _seal(unwrap(key), data, context)


def decrypt(blob: bytes, *, key: DataKey, context: bytes) -> bytes:
    """The plaintext of :func:`encrypt`'s output. Raises :class:`DecryptionError`."""
    return _open(unwrap(key), bytes(blob), context)


def encrypt_text(text: str, *, key: DataKey, context: bytes) -> bytes:
    return encrypt(text.encode("utf-8"), key=key, context=context)


def decrypt_text(blob: bytes, *, key: DataKey, context: bytes) -> str:
    return decrypt(blob, key=key, context=context).decode("utf-8")


@dataclass
class RotationReport:
    rewrapped: int = 0
    already_current: int = 0
    failed: int = 0


def _batches(batch_size: int) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(
            DataKey.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def rotate(*, batch_size: int = 500) -> RotationReport:
    """Re-wrap every data key under the current master key, in small transactions.

    Idempotent and resumable: keys already under the current master key are
    skipped, so an interrupted rotation is finished by running it again.
    Content is never decrypted or rewritten; only the 60-byte wrapped keys are.
    Keys that cannot be unwrapped (tampered, or wrapped by a master key that is
    no longer configured) are counted in ``failed`` and left untouched.
    """
    master = current_master_key()
    current_id = key_id(master)
    report = RotationReport()
    for ids in _batches(batch_size):
        with transaction.atomic():
            for data_key in DataKey.objects.select_for_update().filter(pk__in=ids):
                if data_key.master_key_id == current_id:
                    report.already_current += 1
                    continue
                try:
                    raw = unwrap(data_key)
                except DecryptionError:
                    report.failed += 1
                    continue
                data_key.wrapped = _seal(master, raw, _wrap_aad(data_key.uid))
                data_key.master_key_id = current_id
                data_key.save(update_fields=["wrapped", "master_key_id", "updated_at"])
                report.rewrapped += 1
    return report
