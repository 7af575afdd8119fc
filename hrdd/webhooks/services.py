"""Every write of webhooks, and `event_emit`, the one function other apps call.

Apps emit events through `event_emit` inside the transaction that makes the event happen
(a release, an acknowledgement): the delivery rows commit with it or not at all, and the
worker is started once it has committed. This app imports no other domain app: emitters pass
plain ids, names and links.
"""

import json
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.organisations.models import Organisation
from hrdd.webhooks import signing, tasks, urlguard
from hrdd.webhooks.models import SUBSCRIBABLE, EventType, WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS = 20

# A safety net under the emitters' own care: data holding a key with one of these names
# is refused, so that an answer, a supplier's name or a grievance's words cannot leave the
# platform in a webhook by a careless change (docs/webhooks.md, "What a payload never holds").
FORBIDDEN_KEYS = frozenset(
    {
        "answer",
        "answers",
        "supplier",
        "supplier_name",
        "suppliers",
        "text",
        "body",
        "message",
        "comment",
        "comments",
        "content",
        "draft",
        "email",
    }
)


def _check_events(events: list[str]) -> list[str]:
    allowed = {value for value, _label in SUBSCRIBABLE}
    chosen = [event for event in dict.fromkeys(events) if event]
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    if not set(chosen) <= allowed:
        raise ValidationError({"events": _("Choose events from the list.")})
    return chosen


@transaction.atomic
def endpoint_create(
    *, organisation: Organisation, url: str, description: str, events: list[str], by
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret, which the owner sees once."""
    url = url.strip()
    urlguard.url_check(url)
    events = _check_events(events)
    if WebhookEndpoint.objects.filter(organisation=organisation).count() >= MAX_ENDPOINTS:
        raise ValidationError(
            _("An organisation can have at most %(n)d endpoints.") % {"n": MAX_ENDPOINTS}
        )
    secret = signing.secret_new()
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url,
        description=description.strip(),
        events=events,
        secret=secret,
        created_by=by,
    )
    return endpoint, secret


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by) -> str:
    """A new signing secret, in force at once (retries too are signed with it); the old
    one stops working. Returned to be shown once."""
    endpoint.secret = signing.secret_new()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


@transaction.atomic
def endpoint_enable(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """Turn an endpoint back on, whoever turned it off; its failure count starts again."""
    endpoint.active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.save(
        update_fields=["active", "disabled_at", "disabled_reason", "consecutive_failures"]
    )
    return endpoint


@transaction.atomic
def endpoint_disable(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """Turn an endpoint off: nothing is sent to it (what waits stays waiting) until it is
    turned on again."""
    endpoint.active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = WebhookEndpoint.DisabledReason.OWNER
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, by) -> None:
    """Remove an endpoint and its delivery log."""
    endpoint.delete()


@transaction.atomic
def endpoint_test_send(*, endpoint: WebhookEndpoint, by) -> WebhookDelivery:
    """Queue a `webhook.test` event to this endpoint only, and start the worker."""
    if not endpoint.active:
        raise ValidationError(_("Turn the endpoint on before sending it a test event."))
    return _deliveries_create(
        endpoints=[endpoint],
        event_type=EventType.TEST,
        data={"endpoint": {"id": endpoint.pk}, "organisation": {"id": endpoint.organisation_id}},
        key=f"test:{uuid.uuid4().hex}",
    )[0]


@transaction.atomic
def event_emit(
    *, organisation_id: int, event_type: str, data: dict[str, Any], key: str = ""
) -> int:
    """Queue `event_type` with `data` for every active endpoint of the organisation that
    subscribed to it; returns for how many endpoints (0: nobody listens).

    Call it inside the transaction that makes the event happen. `key` names the event (e.g.
    "report.released:<release id>"): emitting the same key again queues nothing, so a task
    that runs twice sends one event. `data` is plain JSON: ids, names of campaigns, figures
    the pages already show, links; never an answer, a supplier's name in a confidential
    campaign or a grievance's words (keys such as "answers" or "text" are refused).
    """
    if event_type not in EventType.values or event_type == EventType.TEST:
        raise ValueError(f"unknown event type {event_type!r}")
    _check_data(data)
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(organisation_id=organisation_id, active=True)
        if event_type in endpoint.events
    ]
    if not endpoints:
        return 0
    key = key or f"{event_type}:{uuid.uuid4().hex}"
    return len(_deliveries_create(endpoints=endpoints, event_type=event_type, data=data, key=key))


def _check_data(data: Any, path: str = "data") -> None:
    if isinstance(data, dict):
        for name, value in data.items():
            if str(name).lower() in FORBIDDEN_KEYS:
                raise ValueError(f"{path}.{name}: this may not be sent in a webhook")
            _check_data(value, f"{path}.{name}")
    elif isinstance(data, list):
        for value in data:
            _check_data(value, path)
    json.dumps(data)  # plain JSON only: refused here, not in the worker


def _deliveries_create(
    *, endpoints: list[WebhookEndpoint], event_type: str, data: dict, key: str
) -> list[WebhookDelivery]:
    payload = {"type": event_type, "timestamp": timezone.now().isoformat(), "data": data}
    made = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event_type=event_type,
                event_key=key[:200],
                payload=payload,
                message_id=signing.message_id_new(),
            )
            for endpoint in endpoints
        ],
        ignore_conflicts=True,  # the same event emitted again: one row per endpoint
    )
    transaction.on_commit(tasks.deliver_webhooks_soon)
    return made
