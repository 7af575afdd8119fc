"""Reads for the owners' page of webhooks."""

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from hrdd.api.selectors import get_buyer_for_owner
from hrdd.organisations.models import Organisation
from hrdd.webhooks.models import WebhookDelivery, WebhookEndpoint

LOG_SIZE = 50


def get_endpoint_for_owner(
    user, organisation_id, endpoint_id
) -> tuple[Organisation, WebhookEndpoint]:
    """The endpoint if `user` owns its organisation: the API keys' rule (other members 403,
    outsiders 404), since an endpoint too receives the organisation's events."""
    organisation = get_buyer_for_owner(user, organisation_id)
    return organisation, get_object_or_404(
        WebhookEndpoint, pk=endpoint_id, organisation=organisation
    )


def endpoints_with_log(*, organisation: Organisation) -> list[WebhookEndpoint]:
    """The organisation's endpoints, each with `.log`: its latest LOG_SIZE deliveries (two
    queries whatever the number of endpoints)."""
    endpoints = list(
        WebhookEndpoint.objects.filter(organisation=organisation).select_related("created_by")
    )
    latest: QuerySet[WebhookDelivery] = (
        WebhookDelivery.objects.filter(endpoint__organisation=organisation)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("endpoint_id")], order_by=F("pk").desc())
        )
        .filter(rank__lte=LOG_SIZE)
        .defer("payload")
        .order_by("endpoint_id", "-pk")
    )
    logs: dict[int, list[WebhookDelivery]] = {}
    for delivery in latest:
        logs.setdefault(delivery.endpoint_id, []).append(delivery)
    for endpoint in endpoints:
        endpoint.log = logs.get(endpoint.pk, [])
    return endpoints
