"""The delivery worker: what the deliver_webhooks task does.

The same pattern as the e-mail outbox (hrdd/notifications/outbox.py): a worker claims a
batch of due deliveries with one conditional UPDATE stamped with a random claim token
(queued/failed -> sending), so two workers never hold the same row; it records each outcome
with another conditional update on that token. Before it calls anyone, every batch schedules
a watchdog run of the task for WEBHOOKS_CLAIM_TIMEOUT later: rows a dead worker left in
"sending" then go back to the queue and are sent again with the same `webhook-id`, which the
receiver uses to drop a repeat (Standard Webhooks). Nothing is lost and no cron is needed.

Failed attempts are retried after RETRY_DELAYS (1 min, 5 min, 30 min, 2 h, 12 h), then the
delivery is given up. WEBHOOKS_DISABLE_AFTER failed attempts in a row (any delivery of the
endpoint, no success in between) turn the endpoint off; its owners see why and can turn it
back on.
"""

import http.client
import json
import logging
import secrets
import socket
import ssl
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from hrdd.webhooks import signing, urlguard
from hrdd.webhooks.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# Has another run of the worker start at the given time (the task passes its own enqueue).
Schedule = Callable[[datetime], object]

RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
TIMEOUT_SECONDS = 5
BATCH_SIZE = 10
RESPONSE_KEPT = 200  # characters of a failed response kept to show the owner

Status = WebhookDelivery.Status
WAITING = [Status.QUEUED, Status.FAILED]


def retry_delay(attempts: int) -> timedelta | None:
    """How long after its `attempts`-th failed attempt a delivery is tried again (None:
    given up)."""
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None


def _waiting(now: datetime) -> Q:
    """Due rows, on the delivery table's own columns (what the claim's UPDATE re-checks)."""
    return Q(status__in=WAITING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _due(now: datetime) -> Q:
    return _waiting(now) & Q(endpoint__active=True)


def deliveries_release_stale(*, now: datetime | None = None) -> int:
    """Put back in the queue what a dead worker held for longer than WEBHOOKS_CLAIM_TIMEOUT.
    The row keeps its `message_id`: the receiver recognises the repeat."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.WEBHOOKS_CLAIM_TIMEOUT)
    released = WebhookDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=limit).update(
        status=Status.QUEUED,
        claim_token="",
        next_attempt_at=now,
        last_error="The worker sending this stopped; it will be sent again with the same id.",
    )
    if released:
        logger.warning("%d webhook deliveries held by a stopped worker were requeued", released)
    return released


def deliveries_claim(
    *, limit: int, now: datetime | None = None
) -> tuple[str, list[WebhookDelivery]]:
    """Claim up to `limit` due deliveries for this worker, oldest first (one attempt each is
    counted now)."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    due = WebhookDelivery.objects.filter(_due(now))
    due_ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    # The UPDATE checks again: a row another worker claimed meanwhile is left alone. (Its
    # own columns only: with a join Django would write a subquery, which PostgreSQL does not
    # re-read after waiting for the other worker's lock.)
    WebhookDelivery.objects.filter(_waiting(now), pk__in=due_ids).update(
        status=Status.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )
    batch = WebhookDelivery.objects.filter(claim_token=token).select_related("endpoint")
    return token, list(batch.order_by("pk"))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the guard checked, not to a second DNS answer."""

    def __init__(self, host, port, *, address: str, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address: str, context: ssl.SSLContext, **kwargs):
        super().__init__(host, port, context=context, **kwargs)
        self.address, self.tls = address, context

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def body_of(delivery: WebhookDelivery) -> bytes:
    """The request body: the stored payload, always encoded the same way."""
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def post(*, url: str, secret: str, message_id: str, body: bytes) -> tuple[int, str]:
    """POST one signed request; (HTTP status, start of the response body). Redirects are not
    followed (a 3xx is an answer like any other). Raises urlguard.Refused, OSError or
    http.client.HTTPException."""
    scheme, host, port = urlguard.url_parts(url)
    address = urlguard.address_for(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        connection = _PinnedHTTPSConnection(
            host,
            port,
            address=address,
            context=ssl.create_default_context(),
            timeout=TIMEOUT_SECONDS,
        )
    else:
        connection = _PinnedHTTPConnection(host, port, address=address, timeout=TIMEOUT_SECONDS)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.PLATFORM_NAME} webhooks",
        **signing.headers(
            secret=secret, message_id=message_id, timestamp=int(time.time()), body=body
        ),
    }
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(RESPONSE_KEPT * 4).decode("utf-8", "replace")[:RESPONSE_KEPT]
        return response.status, text
    finally:
        connection.close()


def _deliver_one(delivery: WebhookDelivery, token: str) -> str:
    endpoint = delivery.endpoint
    try:
        code, text = post(
            url=endpoint.url,
            secret=endpoint.secret,
            message_id=delivery.message_id,
            body=body_of(delivery),
        )
    except urlguard.Refused as exc:
        return _record_failure(delivery, token, code=None, error=" ".join(exc.messages))
    except (OSError, http.client.HTTPException) as exc:
        return _record_failure(delivery, token, code=None, error=f"{type(exc).__name__}: {exc}")
    if 200 <= code < 300:
        return _record_sent(delivery, token, code)
    return _record_failure(delivery, token, code=code, error=f"HTTP {code}: {text}")


def _record_sent(delivery: WebhookDelivery, token: str, code: int) -> str:
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(
            status=Status.SENT,
            sent_at=timezone.now(),
            last_status_code=code,
            last_error="",
            claim_token="",
            next_attempt_at=None,
        )
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
    return Status.SENT


def _record_failure(delivery: WebhookDelivery, token: str, *, code: int | None, error: str) -> str:
    now = timezone.now()
    delay = retry_delay(delivery.attempts)
    status = Status.FAILED if delay is not None else Status.GIVEN_UP
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(
            status=status,
            last_status_code=code,
            last_error=error[: WebhookDelivery._meta.get_field("last_error").max_length],
            claim_token="",
            next_attempt_at=now + delay if delay is not None else None,
        )
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        _disable_if_failing(delivery.endpoint_id, now)
    logger.warning(
        "webhook delivery %s (endpoint %s, attempt %s) failed: %s",
        delivery.message_id,
        delivery.endpoint_id,
        delivery.attempts,
        error[:100],
    )
    return status


def _disable_if_failing(endpoint_id: int, now: datetime) -> None:
    """Turn the endpoint off after WEBHOOKS_DISABLE_AFTER failures in a row; what it still
    had waiting is given up (the owner sees it in the log)."""
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint_id,
        active=True,
        consecutive_failures__gte=settings.WEBHOOKS_DISABLE_AFTER,
    ).update(
        active=False,
        disabled_at=now,
        disabled_reason=WebhookEndpoint.DisabledReason.FAILURES,
    )
    if disabled:
        WebhookDelivery.objects.filter(endpoint_id=endpoint_id, status__in=WAITING).update(
            status=Status.GIVEN_UP,
            next_attempt_at=None,
            last_error="The endpoint was turned off after too many failures in a row.",
        )
        logger.warning("webhook endpoint %s turned off after repeated failures", endpoint_id)


def webhooks_deliver(*, schedule: Schedule, max_batches: int | None = None) -> dict[str, int]:
    """Send every due delivery, batch by batch. Safe to run in any number of workers at once.
    Returns counts by outcome. `schedule(at)` has another run start at `at`."""
    counts: dict[str, int] = {}
    deliveries_release_stale()
    batches = 0
    while max_batches is None or batches < max_batches:
        # Claim and watchdog commit together: no claim is ever left without a later run.
        with transaction.atomic():
            token, batch = deliveries_claim(limit=BATCH_SIZE)
            if batch:
                schedule(timezone.now() + timedelta(seconds=settings.WEBHOOKS_CLAIM_TIMEOUT + 1))
        if not batch:
            break
        batches += 1
        for delivery in batch:
            status = _deliver_one(delivery, token)
            counts[status] = counts.get(status, 0) + 1
    if counts.get(Status.FAILED):
        due = next_due()
        if due is not None:
            schedule(due)
    return counts


def next_due() -> datetime | None:
    """The earliest time a waiting delivery is scheduled for (None: none is)."""
    return WebhookDelivery.objects.filter(status__in=WAITING, endpoint__active=True).aggregate(
        t=Min("next_attempt_at")
    )["t"]
