"""Small helpers to read settings from the environment with safe defaults."""

import base64
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def weak_secret_key(key: str, *, public: str) -> str:
    """Why `key` is unfit to sign links and sessions in production ("" when it is fit).

    The same rules as Django's deploy check (security.W009): at least 50 characters, at
    least 5 different ones, not a generated development key, and not `public` (the key
    written in the settings file, which anyone can read).
    """
    if not key:
        return "is not set"
    if key == public or key.startswith("django-insecure"):
        return "is the public development key"
    if len(key) < 50 or len(set(key)) < 5:
        return "is too short (at least 50 characters, 5 of them different)"
    return ""


def fernet_key_problem(key: str, *, public: str) -> str:
    """Why `key` is unfit to encrypt interview notes in production ("" when it is fit): it
    must be a Fernet key (32 random bytes, URL-safe base64) and not `public`, the key written
    in the settings file."""
    if not key:
        return "is not set"
    if key == public:
        return "is the public development key"
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        return "is not a Fernet key (32 random bytes in URL-safe base64)"
    return ""


SMTP_PORTS = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}


def email_settings(url: str, *, base_dir: Path) -> dict:
    """Django's EMAIL_* settings from one EMAIL_URL.

    file://PATH writes each message batch to a folder: `file://var/mail` (no third slash) is
    `var/mail` in the project (`base_dir`), as the README says, and `file:///srv/mail` is
    absolute. console:// prints them. smtp://, smtp+tls:// (STARTTLS, port 587 by default)
    and smtp+ssl:// (TLS from the start, 465) send them, with an optional user:password
    (percent-encoded) and ?timeout=SECONDS (20 by default).

    Written here rather than taken from dj-email-url: that package has had no release since
    2022, knows neither smtp+tls nor smtp+ssl, and, like django-environ's parser, reads
    `file://var/mail` as "mail" (the host part dropped) and `file:///srv/mail` as the
    relative "srv/mail"; see docs/operations.md.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "file":
        # urlparse puts the first segment of file://var/mail in the host part.
        path = Path(unquote(parsed.netloc + parsed.path))
        if not path.parts:
            raise ValueError("EMAIL_URL: file:// needs a folder, e.g. file://var/mail")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(path if path.is_absolute() else base_dir / path),
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme in SMTP_PORTS:
        timeout = parse_qs(parsed.query).get("timeout", ["20"])[0]
        try:
            port = parsed.port
        except ValueError:
            raise ValueError(f"EMAIL_URL: the port of {parsed.netloc!r} is not a number") from None
        if not timeout.isdigit():
            raise ValueError(f"EMAIL_URL: timeout={timeout!r} is not a number of seconds")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": port or SMTP_PORTS[scheme],
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtp+ssl",
            "EMAIL_TIMEOUT": int(timeout),
        }
    raise ValueError(
        f"EMAIL_URL: unsupported scheme {scheme!r} "
        "(file://, console://, smtp://, smtp+tls:// or smtp+ssl://)"
    )
