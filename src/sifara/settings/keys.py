"""Key material kept outside the database.

Production reads every key from the environment (usually injected from a secret
store) and refuses to start without them. The embedded profile generates the
keys on first start into ``$SIFARA_DATA_DIR/keys`` with 0600 permissions and
says so on standard error.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

from sifara.settings.env import ConfigurationError, env_str

KEY_BYTES = 32


def decode_key(name: str, raw: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.strip().encode("ascii") + b"==")
    except (ValueError, UnicodeEncodeError) as exc:
        raise ConfigurationError(f"{name} must be url-safe base64") from exc
    if len(key) != KEY_BYTES:
        raise ConfigurationError(f"{name} must decode to {KEY_BYTES} bytes, got {len(key)}")
    return key


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii").rstrip("=")


def new_key() -> str:
    return encode_key(secrets.token_bytes(KEY_BYTES))


def required_key(name: str) -> bytes:
    raw = env_str(name, required=True)
    assert raw is not None
    return decode_key(name, raw)


def new_secret_key() -> str:
    """A Django SECRET_KEY: 64 url-safe characters (Django asks for at least 50)."""
    return secrets.token_urlsafe(48)


def file_key(
    directory: Path, filename: str, env_name: str, generate: Callable[[], str] = new_key
) -> str:
    """Return the key from ``env_name`` or from ``directory/filename``, creating it."""
    from_env = env_str(env_name)
    if from_env:
        return from_env
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    path = directory / filename
    if not path.exists():
        value = generate()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        print(f"sifara: generated {path} (mode 0600); back it up", file=sys.stderr)
    return path.read_text().strip()
