"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

The signed content is `{webhook-id}.{webhook-timestamp}.{body}`, the key is the secret's
base64 part decoded, the signature is sent as `v1,<base64 HMAC-SHA256>`.
"""

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's prefix, not a secret
SECRET_BYTES = 24


def secret_new() -> str:
    """A fresh signing secret, `whsec_` and the base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def message_id_new() -> str:
    """A `webhook-id`: unique per delivery, the same for every attempt of it."""
    return "msg_" + secrets.token_hex(16)


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for one attempt."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
