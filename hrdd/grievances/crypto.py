"""Encryption at rest of what workers report (docs/security.md, "Grievances").

Each case has its own random data key. Everything the case holds that could identify or
describe (the report, the messages, the notes, the attachments) is encrypted with it
(XSalsa20-Poly1305, libsodium's SecretBox). The data key itself is stored only sealed:
- to each handler's public key (a sealed box, Curve25519), one row per handler;
- to the reporter's receipt: with a key derived from the receipt code (and passphrase).

A handler's private key is stored encrypted with a key derived from a passphrase only the
handler knows (argon2id, then SecretBox). A copy of the database alone therefore reveals
no report: reading one needs a handler's passphrase or the reporter's receipt.
"""

import hashlib
import hmac
import secrets

import nacl.exceptions
import nacl.public
import nacl.pwhash
import nacl.secret
import nacl.utils

KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES
# libsodium's "interactive" limits: about 0.1 s and 64 MiB per derivation, the level it
# recommends for keys derived while someone waits for a page.
OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE

# Receipt codes: 20 random bytes (160 bits) in Crockford-like base32, grouped by 4.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BYTES = 20


class Undecryptable(Exception):
    """Wrong key, wrong passphrase or damaged data: the same for all, on purpose."""


def new_data_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def encrypt(key: bytes, plaintext: bytes) -> bytes:
    return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))


def decrypt(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return nacl.secret.SecretBox(key).decrypt(bytes(ciphertext))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise Undecryptable from error


def seal(public_key: bytes, data_key: bytes) -> bytes:
    """The data key sealed to one handler: only that handler's private key opens it."""
    return bytes(nacl.public.SealedBox(nacl.public.PublicKey(bytes(public_key))).encrypt(data_key))


def unseal(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return nacl.public.SealedBox(nacl.public.PrivateKey(bytes(private_key))).decrypt(
            bytes(sealed)
        )
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise Undecryptable from error


def passphrase_key(passphrase: str, salt: bytes, *, opslimit=OPSLIMIT, memlimit=MEMLIMIT) -> bytes:
    """argon2id: a slow, memory-hard derivation, so a guessed passphrase costs real time."""
    return nacl.pwhash.argon2id.kdf(
        KEY_BYTES, passphrase.encode(), bytes(salt), opslimit=opslimit, memlimit=memlimit
    )


def new_keypair(passphrase: str) -> dict:
    """A handler's key pair, the private half locked with the passphrase."""
    private = nacl.public.PrivateKey.generate()
    salt = nacl.utils.random(SALT_BYTES)
    lock = passphrase_key(passphrase, salt)
    return {
        "public_key": bytes(private.public_key),
        "locked_private_key": encrypt(lock, bytes(private)),
        "salt": salt,
        "opslimit": OPSLIMIT,
        "memlimit": MEMLIMIT,
    }


def unlock_private_key(passphrase: str, *, locked: bytes, salt: bytes, opslimit, memlimit) -> bytes:
    lock = passphrase_key(passphrase, salt, opslimit=opslimit, memlimit=memlimit)
    return decrypt(lock, locked)


# --- Receipts ---------------------------------------------------------------------------------


def new_receipt_code() -> str:
    raw = secrets.token_bytes(CODE_BYTES)
    number = int.from_bytes(raw, "big")
    chars = []
    for _index in range(CODE_BYTES * 8 // 5):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    code = "".join(chars)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(code: str) -> str:
    """What the reporter typed, forgiving spaces, dashes, case and look-alike letters."""
    cleaned = "".join(c for c in code.upper() if c.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"}))
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def receipt_lookup(code: str, secret: str) -> str:
    """The only form in which a receipt code is stored: a keyed hash (HMAC-SHA256) to find the
    case by. Keyed with the site's secret, so a copy of the database alone cannot test codes."""
    return hmac.new(
        secret.encode(), b"lookup:" + normalise_code(code).encode(), "sha256"
    ).hexdigest()


def receipt_key(code: str, passphrase: str, salt: bytes) -> bytes:
    """The key that opens the case's data key for the reporter.

    With a passphrase: argon2id over code and passphrase, so that someone holding the code
    (a photo of the receipt) and a copy of the database pays for every passphrase guessed.
    Without: keyed BLAKE2b of the code alone, which is enough for 160 random bits and
    costs microseconds instead of ~80 ms of CPU and 64 MiB per report (bench/grievance.py:
    argon2id was 70% of the intake's time). Which one runs depends only on what was typed,
    never on whether the code exists, so the receipt page keeps its equal work for every
    code (services.receipt_open)."""
    if passphrase:
        return passphrase_key(normalise_code(code) + "\x00" + passphrase, salt)
    return hashlib.blake2b(
        normalise_code(code).encode(),
        key=bytes(salt),
        person=b"hrdd-receipt",
        digest_size=KEY_BYTES,
    ).digest()


def fingerprint(public_key: bytes) -> str:
    return hashlib.sha256(bytes(public_key)).hexdigest()[:16]
