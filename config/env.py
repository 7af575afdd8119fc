"""Small helpers to read settings from the environment with safe defaults."""

import os


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
