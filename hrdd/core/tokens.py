"""Secrets sent in links: only a hash is stored, like a password."""

import hashlib
import hmac
import secrets

# Crockford's base32 alphabet: no I, L, O, U, so codes survive being read aloud or typed.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# Byte -> character: 256 is a multiple of 32, so every character is equally likely (5 bits).
_BYTE_TO_CHAR = bytes(ord(_ALPHABET[b % 32]) for b in range(256))


def new_code(groups: int = 4, size: int = 4) -> str:
    """A random code like 7KQ2-MX9D-4PRA-ZT3E (80 bits with the defaults)."""
    # One system call per code (a launch makes 10,000 of them), not one per character.
    chars = secrets.token_bytes(groups * size).translate(_BYTE_TO_CHAR).decode()
    return "-".join(chars[i : i + size] for i in range(0, groups * size, size))


def normalise_code(code: str) -> str:
    """Accept what people type: lower case, spaces, missing dashes, O for 0, I/L for 1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def format_code(code: str, size: int = 4) -> str:
    """The canonical way to show a code the person typed: 7KQ2-MX9D-4PRA-ZT3E."""
    cleaned = normalise_code(code)
    return "-".join(cleaned[i : i + size] for i in range(0, len(cleaned), size))


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def codes_equal(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_code(code), stored_hash)


def new_slug(nbytes: int = 12) -> str:
    """An unguessable URL segment (96 bits by default)."""
    return secrets.token_urlsafe(nbytes)
