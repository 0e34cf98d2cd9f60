"""Test profile: the embedded profile with fixed test keys and fast hashing.

With ``DATABASE_URL`` and ``SIFARA_REDIS_URL`` set (as in CI), the same suite
runs against PostgreSQL and Redis.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sifara.settings.base import *  # noqa: F403
from sifara.settings.base import DATABASES, HUEY, PACKAGE_DIR

DATA_DIR = Path(tempfile.mkdtemp(prefix="sifara-test-"))
SECRET_KEY = "test-secret-key-not-for-production-0123456789-abcdefghijklmnop"
SIFARA_AUDIT_SEAL_KEY = b"a" * 32
SIFARA_MASTER_KEY = b"m" * 32
SIFARA_SIGNING_KEY = b"s" * 32
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run inline in most tests; tests of the queue itself build a real
# (SqliteHuey or RedisHuey) instance from the same settings.
HUEY = {**HUEY, "immediate": True}
if HUEY["huey_class"] == "huey.SqliteHuey":
    HUEY["filename"] = str(DATA_DIR / "huey.sqlite3")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = DATA_DIR / "sifara.sqlite3"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_AUTOREFRESH = True
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
