"""The one settings module. Everything comes from the environment; nothing is required.

With no environment at all the platform runs on SQLite in var/, writes e-mails to var/mail/
and runs background tasks through the database. See docs/operations.md for every variable.
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The fallback key is only good for a laptop: `check --deploy` flags it, production sets one.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-local-development-key-change-me-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base of links written into e-mails (they are sent by a worker, outside any request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PLATFORM_NAME = env_str("PLATFORM_NAME", "Open HRDD")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "hrdd.core",
    "hrdd.accounts",
    "hrdd.organisations",
    "hrdd.questionnaires",
    "hrdd.campaigns",
    "hrdd.responses",
    "hrdd.suppliers",
    "hrdd.reports",
    "hrdd.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hrdd.core.middleware.DatabaseUnavailableMiddleware",
    "hrdd.core.middleware.FriendlyNotFoundMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hrdd.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hrdd.sqlite3'}"),
        # Persistent connections: on PostgreSQL a new connection per request cost the
        # supplier pages a p99 of 298 ms under load against 147 ms (bench/submit.py). The
        # health check replaces a connection that a database restart has broken.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids "database is locked"
    # upgrades from read to write in the middle of a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Languages a supplier can answer in. The whole interface is complete in English and Japanese
# (UI_LANGUAGES, offered on every page); the supplier pages also have draft translations in the
# languages of many migrant workers in Asian supply chains, offered where a campaign uses them.
LANGUAGES = [
    ("en", _("English")),
    ("ja", _("Japanese")),
    ("vi", _("Vietnamese")),
    ("th", _("Thai")),
    ("id", _("Indonesian")),
    ("zh-hans", _("Simplified Chinese")),
    ("my", _("Burmese")),
    ("ne", _("Nepali")),
    ("tl", _("Tagalog")),
    ("pt", _("Portuguese")),
]
UI_LANGUAGES = ["en", "ja"]
# django-countries 9 names Nauru by its Nauruan name, "Naoero", in English; ISO 3166 and
# every list people compare with say "Nauru".
COUNTRIES_OVERRIDE = {"NR": _("Nauru")}
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root, such as /favicon.ico (asked for by browsers and feed
# readers that do not read the page's <link rel="icon">).
WHITENOISE_ROOT = BASE_DIR / "webroot"
# Production runs collectstatic and sets STATIC_MANIFEST=1 (hashed, compressed, cached
# forever); everywhere else files are served straight from the source folders.
_static_manifest = env_bool("STATIC_MANIFEST", False)
WHITENOISE_USE_FINDERS = not _static_manifest
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _static_manifest
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email"],
    }
}
# At scale: TASKS_BACKEND=django_tasks_rq.RQBackend and REDIS_URL, tasks run by RQ workers
# (`manage.py rqworker email default --job-class django_tasks_rq.Job --with-scheduler`); needs
# the `redis` dependency group. See docs/operations.md.
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
    # A delivery run sends every due e-mail: give it an hour, not RQ's default 3 minutes.
    RQ_QUEUES = {
        name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600} for name in TASKS["default"]["QUEUES"]
    }

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Open HRDD <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env_str("EMAIL_URL", f"file://{VAR_DIR / 'mail'}")
_email = urlparse(EMAIL_URL)
if _email.scheme == "file":
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _email.path
elif _email.scheme == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email.scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[_email.scheme]
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtp+ssl"
    EMAIL_TIMEOUT = int(parse_qs(_email.query).get("timeout", ["20"])[0])
else:
    raise ValueError(f"EMAIL_URL: unsupported scheme {_email.scheme!r} (file, console, smtp...)")
# How often a message that failed for a temporary reason is retried before giving up.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 6)
# Messages a worker claims at once and sends over one SMTP connection.
EMAIL_BATCH_SIZE = env_int("EMAIL_BATCH_SIZE", 100)
# Messages per second per worker, within what the mail provider accepts (0: no limit).
EMAIL_RATE_LIMIT = env_int("EMAIL_RATE_LIMIT", 50)
# Seconds after which messages held by a worker that stopped go back to the queue.
EMAIL_CLAIM_TIMEOUT = env_int("EMAIL_CLAIM_TIMEOUT", 300)
# First retry delay after a temporary failure, doubled at each attempt (at most 60 times).
EMAIL_RETRY_BASE_SECONDS = env_int("EMAIL_RETRY_BASE_SECONDS", 60)

# --- Security -------------------------------------------------------------------------------
# HTTPS=1 behind a TLS-terminating proxy turns on every transport protection at once.
_https = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
# Joining the browsers' HSTS preload list is the domain owner's decision and hard to undo:
# opt in with SECURE_HSTS_PRELOAD=1. Until then the deploy check's reminder is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_PROXY", _https):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Confidentiality ------------------------------------------------------------------------
# The platform-wide floor: nobody, not even the operator, can configure a campaign below it.
CONFIDENTIALITY_MIN_RESPONSES_FLOOR = 3
CONFIDENTIALITY_DEFAULT_MIN_RESPONSES = env_int("CONFIDENTIALITY_DEFAULT_MIN_RESPONSES", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
