"""Signatures a receiver can check with the Standard Webhooks algorithm, and nothing else."""

import base64
import hashlib
import hmac
import time

import pytest

from hrdd.testing.webhooks import verify_standard_webhooks
from hrdd.webhooks import signing


def test_a_secret_is_whsec_and_at_least_24_random_bytes():
    secret = signing.secret_new()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert secret != signing.secret_new()


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body():
    secret, body, now = signing.secret_new(), b'{"type":"webhook.test"}', int(time.time())
    headers = signing.headers(secret=secret, message_id="msg_1", timestamp=now, body=body)
    key = base64.b64decode(secret[len("whsec_") :])
    digest = hmac.new(key, f"msg_1.{now}.".encode() + body, hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(digest).decode()
    assert headers["webhook-id"] == "msg_1" and headers["webhook-timestamp"] == str(now)
    assert verify_standard_webhooks(secret, headers, body)


@pytest.mark.parametrize(
    "change",
    [
        lambda s, h, b: (s, h, b.replace(b"test", b"tost")),  # tampered body
        lambda s, h, b: (s, {**h, "webhook-id": "msg_2"}, b),  # another message's id
        lambda s, h, b: (s, {**h, "webhook-timestamp": str(int(h["webhook-timestamp"]) + 1)}, b),
        lambda s, h, b: (signing.secret_new(), h, b),  # another secret (rotated)
    ],
    ids=["body", "id", "timestamp", "secret"],
)
def test_any_change_makes_verification_fail(change):
    secret, body = signing.secret_new(), b'{"type":"webhook.test"}'
    headers = signing.headers(
        secret=secret, message_id="msg_1", timestamp=int(time.time()), body=body
    )
    assert verify_standard_webhooks(secret, headers, body)
    assert not verify_standard_webhooks(*change(secret, headers, body))


def test_an_old_timestamp_is_refused_by_the_receiver():
    secret, body = signing.secret_new(), b"{}"
    headers = signing.headers(
        secret=secret, message_id="msg_1", timestamp=int(time.time()) - 3600, body=body
    )
    assert not verify_standard_webhooks(secret, headers, body)
