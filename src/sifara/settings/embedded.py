"""Embedded profile: one machine, SQLite (WAL) and SqliteHuey under the data directory.

Keys are generated into ``$SIFARA_DATA_DIR/keys`` on first start.
"""

from __future__ import annotations

from sifara.settings.base import *  # noqa: F403
from sifara.settings.base import DATA_DIR, SIFARA_PREVIOUS_MASTER_KEYS
from sifara.settings.keys import decode_key, file_key, new_secret_key

DATA_DIR.mkdir(parents=True, exist_ok=True)
_KEYS_DIR = DATA_DIR / "keys"
SECRET_KEY = file_key(_KEYS_DIR, "secret_key", "SIFARA_SECRET_KEY", new_secret_key)
SIFARA_AUDIT_SEAL_KEY = decode_key(
    "SIFARA_AUDIT_SEAL_KEY", file_key(_KEYS_DIR, "audit_seal.key", "SIFARA_AUDIT_SEAL_KEY")
)
SIFARA_SIGNING_KEY = decode_key(
    "SIFARA_SIGNING_KEY", file_key(_KEYS_DIR, "signing_ed25519.key", "SIFARA_SIGNING_KEY")
)
SIFARA_MASTER_KEY = decode_key(
    "SIFARA_MASTER_KEY", file_key(_KEYS_DIR, "master.key", "SIFARA_MASTER_KEY")
)
# Web Push (cables): the VAPID private key (raw P-256 scalar, url-safe base64).
SIFARA_VAPID_PRIVATE_KEY = decode_key(
    "SIFARA_VAPID_PRIVATE_KEY",
    file_key(_KEYS_DIR, "vapid_private.key", "SIFARA_VAPID_PRIVATE_KEY"),
)
# Previous master keys kept by `sifara keys rotate --generate` (one per line).
MASTER_KEY_FILE = _KEYS_DIR / "master.key"
PREVIOUS_MASTER_KEYS_FILE = _KEYS_DIR / "master.previous"
if PREVIOUS_MASTER_KEYS_FILE.exists():
    SIFARA_PREVIOUS_MASTER_KEYS = [
        *SIFARA_PREVIOUS_MASTER_KEYS,
        *(
            decode_key("keys/master.previous", line)
            for line in PREVIOUS_MASTER_KEYS_FILE.read_text().split()
            if line
        ),
    ]
