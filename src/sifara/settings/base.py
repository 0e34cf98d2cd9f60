"""Settings shared by every profile (embedded, production, test).

Environment variables are read here and in the profile modules only, through
the typed helpers in :mod:`sifara.settings.env`.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from sifara.settings.env import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_rate,
    env_str,
)

# Lets `ModelAdmin[Model]`, `QuerySet[Model]` etc. be subscripted at run time.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("SIFARA_DATA_DIR", Path.cwd() / "var")

DEBUG = env_bool("SIFARA_DEBUG", False)
ALLOWED_HOSTS = env_list("SIFARA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SIFARA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "huey.contrib.djhuey",
    "sifara.core",
    "sifara.audit",
    "sifara.directory",
    "sifara.identity",
    "sifara.accounts",
    "sifara.cables",
    "sifara.rooms",
    "sifara.archive",
    "sifara.listening",
    "sifara.analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sifara.identity.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sifara.identity.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sifara.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "sifara.urls"
WSGI_APPLICATION = "sifara.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sifara.core.context_processors.sifara",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
# SQLite in WAL mode under the data directory by default; PostgreSQL when
# DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES: dict[str, dict[str, Any]] = {
        "default": dict(
            dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "sifara.sqlite3",
            "OPTIONS": {
                # IMMEDIATE transactions take the write lock up front, so two
                # writers never deadlock on a lock upgrade (Django >= 5.1).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work (Huey) ---------------------------------------------------
REDIS_URL = env_str("SIFARA_REDIS_URL")
if REDIS_URL:
    HUEY: dict[str, Any] = {
        "huey_class": "huey.RedisHuey",
        "name": "sifara",
        "url": REDIS_URL,
        "immediate": False,
        "utc": True,
        "consumer": {"workers": env_int("SIFARA_WORKERS", 2, minimum=1), "worker_type": "thread"},
    }
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "sifara",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
        "utc": True,
        "consumer": {"workers": env_int("SIFARA_WORKERS", 2, minimum=1), "worker_type": "thread"},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Identity -----------------------------------------------------------------
AUTH_USER_MODEL = "directory.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "identity:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Idle timeout: the cookie is renewed on every request and expires after this
# many minutes of inactivity. The absolute lifetime is enforced by
# SessionPolicyMiddleware.
SESSION_COOKIE_AGE = env_int("SIFARA_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SIFARA_SESSION_MAX_HOURS = env_int("SIFARA_SESSION_MAX_HOURS", 12, minimum=1)
# The idle deadline is pushed forward at most once a minute (not on every
# request) by SessionPolicyMiddleware, sparing a database write per page.
SESSION_SAVE_EVERY_REQUEST = False
SIFARA_SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "sifara.core.views.csrf_failure"
OTP_TOTP_ISSUER = env_str("SIFARA_OTP_ISSUER", "Sifara")
SIFARA_LOGIN_MAX_FAILURES = env_int("SIFARA_LOGIN_MAX_FAILURES", 5, minimum=1)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none,
# the client's address is REMOTE_ADDR).
SIFARA_PROXY_HOPS = env_int("SIFARA_PROXY_HOPS", 0, minimum=0)
SIFARA_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int(
    "SIFARA_LOGIN_MAX_FAILURES_PER_ADDRESS", 30, minimum=1
)
SIFARA_LOGIN_LOCKOUT_MINUTES = env_int("SIFARA_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
SIFARA_API_TOKEN_MAX_DAYS = env_int("SIFARA_API_TOKEN_MAX_DAYS", 365, minimum=1)
SIFARA_ACCOUNT_AUDIT_DAYS = env_int("SIFARA_ACCOUNT_AUDIT_DAYS", 180, minimum=1)

# --- Envelope encryption: master keys able to unwrap data keys (rotation) --------
# The current key is SIFARA_MASTER_KEY (set per profile); previous keys stay
# readable until `sifara keys rotate` has re-wrapped everything under the current.
from sifara.settings.keys import decode_key as _decode_key  # noqa: E402

SIFARA_PREVIOUS_MASTER_KEYS: list[bytes] = [
    _decode_key("SIFARA_PREVIOUS_MASTER_KEYS", raw)
    for raw in env_list("SIFARA_PREVIOUS_MASTER_KEYS", [])
]

# --- Cables and operations rooms (issue 3) ----------------------------------------
# Cables: attachment size limit, how often the inbox page refreshes itself, and
# Web Push (VAPID). Push is disabled while SIFARA_VAPID_PRIVATE_KEY is unset
# (the embedded profile generates one into the data directory).
SIFARA_CABLE_ATTACHMENT_MAX_BYTES = env_int(
    "SIFARA_CABLE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024
)
SIFARA_CABLE_INBOX_POLL_SECONDS = env_int("SIFARA_CABLE_INBOX_POLL_SECONDS", 10, minimum=2)
SIFARA_VAPID_SUBJECT = env_str("SIFARA_VAPID_SUBJECT", "mailto:sifara@localhost")
_vapid_raw = env_str("SIFARA_VAPID_PRIVATE_KEY")
SIFARA_VAPID_PRIVATE_KEY: bytes | None = (
    _decode_key("SIFARA_VAPID_PRIVATE_KEY", _vapid_raw) if _vapid_raw else None
)
# Operations rooms: how often an open room's timeline refreshes itself (seconds).
SIFARA_ROOMS_POLL_SECONDS = env_int("SIFARA_ROOMS_POLL_SECONDS", 5, minimum=2)
# Outside guests of operations rooms reach nothing but their rooms (404 elsewhere).
MIDDLEWARE.append("sifara.rooms.middleware.GuestConfinementMiddleware")

# --- Archive of agreements (issue 4) ----------------------------------------------
# Largest file accepted (upload or import), in MB.
SIFARA_ARCHIVE_MAX_UPLOAD_MB = env_int("SIFARA_ARCHIVE_MAX_UPLOAD_MB", 50, minimum=1)
# Scanned PDFs: OCR at most this many pages (the rest is stored, not read).
SIFARA_ARCHIVE_OCR_MAX_PAGES = env_int("SIFARA_ARCHIVE_OCR_MAX_PAGES", 100, minimum=1)
SIFARA_ARCHIVE_OCR_LANGUAGES = env_str("SIFARA_ARCHIVE_OCR_LANGUAGES", "ara+eng") or "ara+eng"
# Tesseract executable (name on PATH or full path); the archive works without it.
SIFARA_ARCHIVE_TESSERACT = env_str("SIFARA_ARCHIVE_TESSERACT", "tesseract") or "tesseract"
# Reminder lead times in days before an expiry or a renewal-notice deadline.
SIFARA_ARCHIVE_REMINDER_DAYS = sorted(
    {int(d) for d in env_list("SIFARA_ARCHIVE_REMINDER_DAYS", ["180", "90", "30", "7"])},
    reverse=True,
)
# Units whose staff record agreements and receive reminders (the treaties department).
SIFARA_ARCHIVE_TREATIES_UNITS = env_list("SIFARA_ARCHIVE_TREATIES_UNITS", ["hq-legal"])

# --- Listening and analysis (issue 6) ----------------------------------------------------------
# Listening ingest: languages the identifier chooses among (ISO 639-1), posts per
# stored batch, an optional local transformer sentiment model (a directory path;
# the default scorer is the bilingual lexicon), the near-duplicate window and how
# many distinct accounts make a cluster "coordinated", and whether new authors
# are screened by the impersonation radar in the background.
SIFARA_LISTENING_LANGUAGES = env_list(
    "SIFARA_LISTENING_LANGUAGES", ["ar", "en", "fr", "es", "de", "tr", "fa", "ur", "ru", "zh"]
)
SIFARA_LISTENING_BATCH_SIZE = env_int("SIFARA_LISTENING_BATCH_SIZE", 5000, minimum=1)
SIFARA_LISTENING_SENTIMENT_MODEL = env_str("SIFARA_LISTENING_SENTIMENT_MODEL", "") or ""
SIFARA_LISTENING_CLUSTER_WINDOW_MINUTES = env_int(
    "SIFARA_LISTENING_CLUSTER_WINDOW_MINUTES", 120, minimum=1
)
SIFARA_LISTENING_CLUSTER_MIN_ACCOUNTS = env_int(
    "SIFARA_LISTENING_CLUSTER_MIN_ACCOUNTS", 5, minimum=2
)
SIFARA_LISTENING_SCREEN_AUTHORS = env_bool("SIFARA_LISTENING_SCREEN_AUTHORS", True)
# Long ingests analyse batch N+1 in one helper process while batch N is stored.
SIFARA_LISTENING_ANALYSIS_PROCESS = env_bool("SIFARA_LISTENING_ANALYSIS_PROCESS", True)
# Listening analysis: the address people reach Sifara at (links in alert e-mails),
# and how often the alert rules are evaluated besides after every ingested batch.
SIFARA_SITE_URL = env_str("SIFARA_SITE_URL", "http://127.0.0.1:8000") or "http://127.0.0.1:8000"
SIFARA_ALERTS_EVERY_MINUTES = env_int("SIFARA_ALERTS_EVERY_MINUTES", 5, minimum=1)

# --- Request limits -------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SIFARA_MAX_REQUEST_BYTES", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "sifara_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
SIFARA_ARABIC_DIGITS = env_str("SIFARA_ARABIC_DIGITS", "arab") or "arab"
if SIFARA_ARABIC_DIGITS not in {"arab", "latn"}:
    raise ConfigurationError("SIFARA_ARABIC_DIGITS must be 'arab' or 'latn'")
SIFARA_HQ_TIMEZONE = env_str("SIFARA_HQ_TIMEZONE", "Asia/Riyadh") or "Asia/Riyadh"
if SIFARA_HQ_TIMEZONE not in zoneinfo.available_timezones():
    raise ConfigurationError(f"SIFARA_HQ_TIMEZONE {SIFARA_HQ_TIMEZONE!r} is not an IANA time zone")
SIFARA_MINISTRY_NAME_EN = env_str(
    "SIFARA_MINISTRY_NAME_EN", "Ministry of Foreign Affairs (demonstration)"
)
SIFARA_MINISTRY_NAME_AR = env_str("SIFARA_MINISTRY_NAME_AR", "وزارة الخارجية (نسخة تجريبية)")

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "sifara.core.storage.GzipManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
#: Static files of installed apps that Sifara never serves (ReDoc, DRF's
#: browsable API): left out by `sifara serve`'s collectstatic.
SIFARA_STATIC_IGNORE = ["redoc", "rest_framework"]

# --- API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sifara.identity.authentication.ApiTokenAuthentication",
        "sifara.identity.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["sifara.identity.permissions.IsVerifiedUser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "sifara.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("SIFARA_API_RATE_ANON", "60/min"),
        "user": env_rate("SIFARA_API_RATE_USER", "600/min"),
    },
    # Rate limits count per client address, read like core.net.client_ip.
    "NUM_PROXIES": SIFARA_PROXY_HOPS,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sifara API",
    "DESCRIPTION": "Sifara digital diplomacy platform, API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and its documentation are for signed-in staff and tokens only.
    "SERVE_PERMISSIONS": ["sifara.identity.permissions.IsVerifiedUser"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Public "is this account official?" service: lookups per minute per address
# on the page, and the public API's own rate.
SIFARA_VERIFY_RATE_PER_MINUTE = env_int("SIFARA_VERIFY_RATE_PER_MINUTE", 30, minimum=1)
SIFARA_PUBLIC_VERIFY_API_RATE = env_rate("SIFARA_PUBLIC_VERIFY_API_RATE", "30/min")

# --- E-mail (reminders) ---------------------------------------------------------
# Without SIFARA_SMTP_HOST the embedded profile prints e-mails to the console.
EMAIL_HOST = env_str("SIFARA_SMTP_HOST", "") or ""
EMAIL_PORT = env_int("SIFARA_SMTP_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("SIFARA_SMTP_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("SIFARA_SMTP_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("SIFARA_SMTP_STARTTLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("SIFARA_MAIL_FROM", "sifara@localhost") or "sifara@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# --- Security headers -----------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging: never classified content, one line per event ----------------------
LOG_LEVEL = (env_str("SIFARA_LOG_LEVEL", "INFO") or "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ConfigurationError("SIFARA_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "huey": {"level": "INFO"}},
}
