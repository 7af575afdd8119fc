"""Encryption at rest of sensitive interview notes (docs/security.md, "Interview notes").

Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package) under
IMPACT_ENCRYPTION_KEY; the keys in IMPACT_ENCRYPTION_KEY_FALLBACKS still decrypt, so a new
key can take over while `manage.py impact_rotate_key` re-encrypts the stored notes. The
database only ever holds the token: a copy of the database without the key reveals nothing.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "rotate"]


def _keys() -> MultiFernet:
    # Read on every call (settings may change in tests and between rotations); cheap.
    keys = [settings.IMPACT_ENCRYPTION_KEY, *settings.IMPACT_ENCRYPTION_KEY_FALLBACKS]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    """The token of `text` under the current key ("" stays "": nothing to hide)."""
    if not text:
        return ""
    return _keys().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token made under the current key or a fallback key."""
    if not token:
        return ""
    return _keys().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """The same text encrypted under the current key (a token already under it is renewed)."""
    if not token:
        return ""
    return _keys().rotate(token.encode("ascii")).decode("ascii")
