"""The one settings module. Everything comes from the environment; nothing is required.

With no environment at all the platform runs on SQLite in var/, writes e-mails to var/mail/
and runs background tasks through the database. See docs/operations.md for every variable.
"""

import base64
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    fernet_key_problem,
    weak_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Sessions, CSRF tokens, password-reset and opt-out links are signed with SECRET_KEY. The
# development key below is public (it is in this file): it is only used with DEBUG=1 (as
# `./dev start` sets), and the platform refuses to start without a strong key of its own
# otherwise. The test suite (pytest) runs with the development key.
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-key-change-me-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
# Rotation: put the old key here (comma-separated) while the new one takes over, so that
# links and sessions signed with it keep working until they expire (docs/security.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
# Commands that only read or write source files and sign, encrypt or serve nothing may run
# without the production keys (a build step, CI's `makemigrations --check`): they get a
# throwaway key that dies with the process. Everything else still refuses to start.
OFFLINE_COMMANDS = {
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "makemessages",
    "compilemessages",
    "collectstatic",
}
OFFLINE = (
    len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] in OFFLINE_COMMANDS
)
if not DEBUG and "pytest" in sys.modules and not env_str("SECRET_KEY"):
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and OFFLINE and not env_str("SECRET_KEY"):
    SECRET_KEY = secrets.token_urlsafe(50)
elif not DEBUG:
    for _name, _key in [("SECRET_KEY", SECRET_KEY)] + [
        ("SECRET_KEY_FALLBACKS", k) for k in SECRET_KEY_FALLBACKS
    ]:
        if _key_problem := weak_secret_key(_key, public=DEVELOPMENT_SECRET_KEY):
            raise ImproperlyConfigured(
                f"{_name} {_key_problem}. With DEBUG=0 the platform needs a long random key "
                "of its own, kept secret: generate one with\n"
                "    python -c 'import secrets; print(secrets.token_urlsafe(50))'\n"
                "and set it in the environment (export SECRET_KEY=...). For development "
                "on this machine set DEBUG=1 instead (./dev start does)."
            )
# Sensitive interview notes of impact assessments (hrdd/impact) are encrypted at rest with
# Fernet under IMPACT_ENCRYPTION_KEY; old keys in IMPACT_ENCRYPTION_KEY_FALLBACKS still decrypt
# while `manage.py impact_rotate_key` re-encrypts with the new one (docs/security.md). As for
# SECRET_KEY, the development key below is public: DEBUG=1 and the test suite only.
DEVELOPMENT_IMPACT_KEY = "ZGV2ZWxvcG1lbnQta2V5LWltcGFjdC1ub3RzZWNyZXQ="  # noqa: S105
IMPACT_ENCRYPTION_KEY = env_str("IMPACT_ENCRYPTION_KEY") or (
    DEVELOPMENT_IMPACT_KEY if DEBUG else ""
)
IMPACT_ENCRYPTION_KEY_FALLBACKS = env_list("IMPACT_ENCRYPTION_KEY_FALLBACKS")
if not DEBUG and "pytest" in sys.modules and not env_str("IMPACT_ENCRYPTION_KEY"):
    IMPACT_ENCRYPTION_KEY = DEVELOPMENT_IMPACT_KEY
elif not DEBUG and OFFLINE and not env_str("IMPACT_ENCRYPTION_KEY"):
    IMPACT_ENCRYPTION_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
elif not DEBUG:
    for _name, _key in [("IMPACT_ENCRYPTION_KEY", IMPACT_ENCRYPTION_KEY)] + [
        ("IMPACT_ENCRYPTION_KEY_FALLBACKS", k) for k in IMPACT_ENCRYPTION_KEY_FALLBACKS
    ]:
        if _key_problem := fernet_key_problem(_key, public=DEVELOPMENT_IMPACT_KEY):
            raise ImproperlyConfigured(
                f"{_name} {_key_problem}. With DEBUG=0 the platform needs a key of its own "
                "to encrypt sensitive interview notes: generate one with\n"
                "    python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'\n"
                "and set it in the environment (export IMPACT_ENCRYPTION_KEY=...). For "
                "development on this machine set DEBUG=1 instead (./dev start does)."
            )
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_ratelimit",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hrdd.core",
    "hrdd.accounts",
    "hrdd.organisations",
    "hrdd.questionnaires",
    "hrdd.campaigns",
    "hrdd.responses",
    "hrdd.suppliers",
    "hrdd.reference",
    "hrdd.risk",
    "hrdd.invitations",
    "hrdd.links",
    "hrdd.namings",
    "hrdd.remediation",
    "hrdd.impact",
    "hrdd.cycle",
    "hrdd.dialogue",
    "hrdd.statements",
    "hrdd.laws",
    "hrdd.reports",
    "hrdd.detailed",
    "hrdd.insights",
    "hrdd.notifications",
    "hrdd.grievances",
    "hrdd.api",
    "hrdd.webhooks",
]

MIDDLEWARE = [
    # First: the grievance channel's requests lose the visitor's address and browser.
    "hrdd.grievances.middleware.AnonymousChannelMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hrdd.accounts.middleware.IdleTimeoutMiddleware",
    "hrdd.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hrdd.core.ratelimit.RateLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "hrdd.core.middleware.PrivacyHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hrdd.core.middleware.DatabaseUnavailableMiddleware",
    "hrdd.core.middleware.FriendlyNotFoundMiddleware",
    # Last, as its documentation asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every login for a lockout before the password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one account
# (from anywhere) or from one address (to any account), logins stop for LOGIN_LOCKOUT_MINUTES,
# or until the operator unlocks them (administration site: Access attempts; or
# `manage.py axes_reset_username EMAIL` / `axes_reset_ip ADDRESS`).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts during a lockout do not push its end further: the time the page promises holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login forgets the earlier typos.
AXES_RESET_ON_SUCCESS = True
# The field of Django's login forms (the administration site's too), whatever the user model.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "hrdd.accounts.throttling.login_username"
AXES_CLIENT_IP_CALLABLE = "hrdd.accounts.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "hrdd.accounts.throttling.lockout_response"
# Proxies in front of the application that append to X-Forwarded-For (the client's address is
# the one the outermost of them saw). 0: the connection's own address.
_behind_proxy = env_bool("BEHIND_PROXY", env_bool("HTTPS", False))
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if _behind_proxy else 0)
# Two-factor authentication (django-otp): required for operator staff and organisation owners,
# who are guided to set it up at their first login; optional for everyone else.
TWO_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = PLATFORM_NAME
# Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside the authenticator app.
# A passkey belongs to one domain (the relying party ID), taken from SITE_URL: the host the
# browser sees. Browsers offer passkeys only to an HTTPS site or to http://localhost, and never
# to a bare IP address, so with another SITE_URL (the default http://127.0.0.1:8000) passkeys
# are off and the pages do not offer them. Changing the domain later makes every registered
# passkey unusable (their owners log in with their app or a recovery code and add them again).
_site = urlparse(SITE_URL)
PASSKEYS_ENABLED = _site.scheme == "https" or (
    _site.scheme == "http" and _site.hostname == "localhost"
)
OTP_WEBAUTHN_RP_ID = _site.hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = PLATFORM_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]
# A second factor only: the password always comes first.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# The library's check refuses an http:// origin other than localhost; with passkeys off no
# ceremony runs (the views answer 404), so the origin is never used.
_SILENCED_PASSKEY_CHECKS = [] if PASSKEYS_ENABLED else ["otp_webauthn.E031"]
# Idle session timeout: a session ends after this many minutes without a request.
SESSION_IDLE_MINUTES_OPERATOR = env_int("SESSION_IDLE_MINUTES_OPERATOR", 30)
SESSION_IDLE_MINUTES_BUYER = env_int("SESSION_IDLE_MINUTES_BUYER", 8 * 60)

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
# file://, console://, smtp://, smtp+tls://, smtp+ssl:// (config.env.email_settings).
globals().update(email_settings(EMAIL_URL, base_dir=BASE_DIR))
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

# --- Webhooks (hrdd/webhooks, docs/webhooks.md) ---------------------------------------------
# Let endpoints be http:// and on private, loopback or reserved addresses (development and
# tests only: in production it would let an owner make the server call its own network).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)
# Failed attempts in a row after which an endpoint is turned off.
WEBHOOKS_DISABLE_AFTER = env_int("WEBHOOKS_DISABLE_AFTER", 10)
# Seconds after which deliveries held by a worker that stopped are sent again (same id).
WEBHOOKS_CLAIM_TIMEOUT = env_int("WEBHOOKS_CLAIM_TIMEOUT", 300)

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
SILENCED_SYSTEM_CHECKS = _SILENCED_PASSKEY_CHECKS + (
    [] if SECURE_HSTS_PRELOAD else ["security.W021"]
)
if env_bool("BEHIND_PROXY", _https):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): scripts, styles, images and fonts only from this
# site's own files; no inline script or style anywhere (templates keep them in static/),
# no plugins, no <base>, forms post only here, framed only by the site itself (the
# questionnaire preview). Nonces are available ({{ request.csp_nonce }}) but unused.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# --- The REST API (hrdd/api, docs/api.md) ----------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["hrdd.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["hrdd.api.permissions.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["hrdd.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_RATE", "600/minute")},
    "EXCEPTION_HANDLER": "hrdd.api.problems.problem_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PLATFORM_NAME} API",
    "DESCRIPTION": "Suppliers, campaigns and their progress, for a buyer's own systems.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Names for choice sets whose field names collide ("status" of a finding and an action).
    "ENUM_NAME_OVERRIDES": {
        "FindingStatusEnum": "hrdd.api.serializers_cycle.FINDING_STATUSES",
        "ActionStatusEnum": "hrdd.api.serializers_cycle.ACTION_STATUSES",
        "LanguageEnum": "hrdd.api.serializers.LANGUAGE_CODES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hrdd.api.problems.add_problem_responses",
    ],
    # The documentation pages' scripts and styles from our own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Browser features no page uses (hrdd.core.middleware.PrivacyHeadersMiddleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)
SESSION_COOKIE_HTTPONLY = True

# --- Cache and rate limits -------------------------------------------------------------------
# The cache holds rate-limit counters. By default each web process keeps its own in memory:
# free on the supplier's hot path (the database cache cost every limited POST about a dozen
# more statements), exact for one process (`./dev start`), and with N processes a limit lets
# through at most N times its rate. CACHE_URL=redis://… (the `redis` dependency group) makes
# every process count together, as production should; CACHE_URL=db:// uses the database
# (table hrdd_cache, made by `migrate`) where there is no Redis.
_cache_url = env_str("CACHE_URL")
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
elif _cache_url == "db://":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hrdd_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
elif _cache_url:
    raise ValueError(
        f"CACHE_URL: unsupported scheme in {_cache_url!r} (redis://, rediss://, unix://, db://)"
    )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-ratelimit flags the database cache because its increment is a read then a write:
# two requests counted at the same instant may count once. A limit can then let through a
# few more requests than set (at most the number counted at the same time), never fewer.
# Django's own Redis cache increments atomically but is not on the library's list.
SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_ENABLE = env_bool("RATE_LIMITS", True)
# The visitor's address behind N proxies of our own is the Nth entry of X-Forwarded-For from
# the right (hrdd.core.ratelimit.client_address); IPv6 visitors are counted per /64.
RATE_LIMIT_PROXY_COUNT = env_int(
    "RATE_LIMIT_PROXY_COUNT", 1 if env_bool("BEHIND_PROXY", _https) else 0
)
RATELIMIT_IP_META_KEY = "hrdd.core.ratelimit.client_address"
# Limits per group of anonymous forms (hrdd.core.ratelimit.LIMITED_VIEWS): "count/period",
# the period in s, m, h or d with an optional multiple ("5/10m"). Per address, per campaign
# (the public response URL) and per recipient (the e-mail address typed into the form).
RATE_LIMITS = {
    "start": {
        "address": env_str("RATE_LIMIT_START_PER_ADDRESS", "30/m"),
        "campaign": env_str("RATE_LIMIT_START_PER_CAMPAIGN", "600/m"),
    },
    "answer": {
        "address": env_str("RATE_LIMIT_ANSWER_PER_ADDRESS", "300/m"),
        "campaign": env_str("RATE_LIMIT_ANSWER_PER_CAMPAIGN", "3000/m"),
    },
    "mail": {
        "address": env_str("RATE_LIMIT_MAIL_PER_ADDRESS", "10/h"),
        "recipient": env_str("RATE_LIMIT_MAIL_PER_RECIPIENT", "3/h"),
    },
    "link": {"address": env_str("RATE_LIMIT_LINK_PER_ADDRESS", "30/m")},
    # The grievance channel counts a keyed hash of the address, never the address itself.
    "grievance": {"reporter": env_str("RATE_LIMIT_GRIEVANCE_PER_ADDRESS", "20/h")},
    "receipt": {"reporter": env_str("RATE_LIMIT_RECEIPT_PER_ADDRESS", "10/10m")},
}

# --- Uploads --------------------------------------------------------------------------------
# Largest file each upload form accepts, in bytes; a larger one is refused with the limit
# named. Django keeps a form's other fields under DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
UPLOAD_MAX_BYTES_QUESTIONNAIRE = env_int("UPLOAD_MAX_BYTES_QUESTIONNAIRE", 2 * 1024 * 1024)
UPLOAD_MAX_BYTES_TRANSLATIONS = env_int("UPLOAD_MAX_BYTES_TRANSLATIONS", 5 * 1024 * 1024)

# --- Grievance channel (docs/grievances.md) -------------------------------------------------
# EU Whistleblowing Directive defaults: acknowledge within 7 days, feedback within 3 months.
GRIEVANCE_ACKNOWLEDGE_DAYS = env_int("GRIEVANCE_ACKNOWLEDGE_DAYS", 7)
GRIEVANCE_FEEDBACK_DAYS = env_int("GRIEVANCE_FEEDBACK_DAYS", 91)
# Reminders this many days before each deadline; escalation to the owners once it is past.
GRIEVANCE_ACKNOWLEDGE_REMINDER_DAYS = env_int("GRIEVANCE_ACKNOWLEDGE_REMINDER_DAYS", 2)
GRIEVANCE_FEEDBACK_REMINDER_DAYS = env_int("GRIEVANCE_FEEDBACK_REMINDER_DAYS", 14)
# Statistics show no figure computed from fewer cases than this (small-cell suppression).
GRIEVANCE_MIN_CELL = env_int("GRIEVANCE_MIN_CELL", 5)
# Closed cases are deleted, attachments included, this many days after closing.
GRIEVANCE_RETENTION_DAYS = env_int("GRIEVANCE_RETENTION_DAYS", 365)
GRIEVANCE_ATTACHMENT_MAX_BYTES = env_int("GRIEVANCE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
GRIEVANCE_ATTACHMENTS_MAX = 3
# How long a handler's unlocked key stays usable (hrdd/grievances/unlocking.py).
GRIEVANCE_UNLOCK_MINUTES = env_int("GRIEVANCE_UNLOCK_MINUTES", 60)

# --- Confidentiality ------------------------------------------------------------------------
# The platform-wide floor: nobody, not even the operator, can configure a campaign below it.
CONFIDENTIALITY_MIN_RESPONSES_FLOOR = 3
CONFIDENTIALITY_DEFAULT_MIN_RESPONSES = env_int("CONFIDENTIALITY_DEFAULT_MIN_RESPONSES", 5)
# Differential privacy (docs/privacy.md): the bound on what the figures reveal of any one
# answer, as epsilon (the likelihood ratio is at most e^epsilon), per buyer, questionnaire and
# accounting year. Lower is safer and noisier; above 1 the guarantee weakens quickly, and the
# platform refuses more than 2.
PRIVACY_EPSILON = float(env_str("PRIVACY_EPSILON", "1.0"))
if not 0 < PRIVACY_EPSILON <= 2:
    raise ImproperlyConfigured("PRIVACY_EPSILON must be above 0 and at most 2 (default 1).")
# A figure is shown once the 95 % margin of its shares is at most this many points.
PRIVACY_MAX_MARGIN = env_int("PRIVACY_MAX_MARGIN", 20)
# Before close, the first release waits for this many responses, then each release waits
# until the responses have doubled: every batch is measured once, so few large batches keep
# the noise small (docs/privacy.md, "Release schedule").
PRIVACY_FIRST_RELEASE = env_int("PRIVACY_FIRST_RELEASE", 100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Resume codes and link tokens in logged paths and tracebacks become [redacted].
    "filters": {"redact_secrets": {"()": "hrdd.core.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}

# Evidence of corrective action plans (PDF, PNG, JPEG): the largest file accepted.
REMEDIATION_EVIDENCE_MAX_BYTES = env_int("REMEDIATION_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)
