"""Production profile: PostgreSQL, Redis, secrets from the environment, HTTPS only.

Refuses to start when a secret or service address is missing.
"""

from __future__ import annotations

from sifara.settings.base import *  # noqa: F403
from sifara.settings.base import DATABASE_URL, REDIS_URL, REST_FRAMEWORK, SIFARA_PROXY_HOPS
from sifara.settings.env import ConfigurationError, env_bool, env_int, env_list, env_str
from sifara.settings.keys import required_key

if not DATABASE_URL:
    raise ConfigurationError("DATABASE_URL must be set in production (PostgreSQL)")
if not REDIS_URL:
    raise ConfigurationError("SIFARA_REDIS_URL must be set in production (Huey on Redis)")

SECRET_KEY = env_str("SIFARA_SECRET_KEY", required=True)
if SECRET_KEY is not None and len(SECRET_KEY) < 50:
    raise ConfigurationError("SIFARA_SECRET_KEY must be at least 50 characters")
SIFARA_AUDIT_SEAL_KEY = required_key("SIFARA_AUDIT_SEAL_KEY")
SIFARA_MASTER_KEY = required_key("SIFARA_MASTER_KEY")
#: 32-byte Ed25519 seed: signs what the ministry publishes (the official-accounts registry).
SIFARA_SIGNING_KEY = required_key("SIFARA_SIGNING_KEY")

ALLOWED_HOSTS = env_list("SIFARA_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ConfigurationError("SIFARA_ALLOWED_HOSTS must list the public host names")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SIFARA_SECURE_SSL_REDIRECT", True)
if env_bool("SIFARA_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SIFARA_PROXY_HOPS = max(SIFARA_PROXY_HOPS, 1)
    REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": SIFARA_PROXY_HOPS}
# Load balancers probe plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SIFARA_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SIFARA_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a public-internet decision (and impossible for intranet
    # names); leaving it off is deliberate, so its deploy warning is silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
