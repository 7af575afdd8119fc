"""Reads of the grievance channel shared by views, tasks and tests."""

import json

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from hrdd.grievances import crypto, statistics
from hrdd.grievances.models import Attachment, Case, Channel, HandlerKey, HelpContact, Message
from hrdd.organisations.models import Membership, Organisation
from hrdd.risk.selectors import TOPIC_LABELS

HANDLER_ROLES = (Membership.Role.OWNER, Membership.Role.ADMIN)


def handler_keys(*, organisation: Organisation) -> QuerySet[HandlerKey]:
    """The keys of the organisation's handlers (its owners and administrators who set a
    grievance passphrase): the keys each new report is sealed to."""
    return HandlerKey.objects.filter(
        user__memberships__organisation=organisation,
        user__memberships__role__in=HANDLER_ROLES,
        user__is_active=True,
    )


def handler_users(*, organisation: Organisation) -> list:
    """The organisation's handlers who can read its cases (with a key), by name."""
    keys = handler_keys(organisation=organisation).select_related("user").distinct()
    return sorted({key.user for key in keys}, key=lambda user: str(user))


def open_channel(*, slug: str) -> Channel | None:
    return (
        Channel.objects.select_related("organisation", "site__supplier")
        .filter(slug=slug, is_open=True)
        .first()
    )


def channels_of(*, organisation: Organisation) -> QuerySet[Channel]:
    return Channel.objects.filter(organisation=organisation).select_related("site__supplier")


def cases_of(*, organisation: Organisation) -> QuerySet[Case]:
    return Case.objects.filter(channel__organisation=organisation).select_related("channel")


def all_cases() -> QuerySet[Case]:
    """Every case of every channel (the operator's program-wide statistics only)."""
    return Case.objects.all()


def get_case(*, organisation: Organisation, case_id) -> Case:
    """One of the organisation's cases, else 404."""
    return get_object_or_404(cases_of(organisation=organisation), pk=case_id)


def report_content(*, case: Case, data_key: bytes) -> dict:
    return json.loads(crypto.decrypt(data_key, case.content))


def conversation(*, case: Case, data_key: bytes, notes: bool) -> list[dict]:
    """The messages in order, decrypted; internal notes only when `notes`."""
    messages = case.messages.all()
    if not notes:
        messages = messages.exclude(kind=Message.Kind.NOTE)
    return [
        {
            "kind": m.kind,
            "label": m.get_kind_display(),
            "created_at": m.created_at,
            "author": m.author,
            "body": crypto.decrypt(data_key, m.body).decode(),
        }
        for m in messages.select_related("author")
    ]


def attachment_content(*, attachment: Attachment, data_key: bytes) -> bytes:
    return crypto.decrypt(data_key, attachment.content)


def case_statistics(*, organisation: Organisation) -> dict:
    """The organisation's cases in aggregate, small cells suppressed (statistics.py): the
    figures of the statistics page and the API, never a case's content."""
    return statistics.case_figures(cases_of(organisation=organisation), topic_labels=TOPIC_LABELS)


def year_figures(*, organisation: Organisation, start, end) -> dict:
    """Aggregate counts of the grievance channel between `start` and `end` (aware datetimes,
    end excluded), for the yearly statement: never a case's content or who raised it."""
    cases = Case.objects.filter(channel__organisation=organisation)
    return {
        "channels": Channel.objects.filter(organisation=organisation, created_at__lt=end).count(),
        "received": cases.filter(received_at__gte=start, received_at__lt=end).count(),
        "acknowledged": cases.filter(acknowledged_at__gte=start, acknowledged_at__lt=end).count(),
        "closed": cases.filter(closed_at__gte=start, closed_at__lt=end).count(),
    }


def help_contacts(*, country: str = "") -> list[HelpContact]:
    """The help directory for a reporter: the country's entries first, then international
    ones; every country's when the channel names none. Verified entries first within each."""
    contacts = HelpContact.objects.all()
    if country:
        contacts = contacts.filter(country__in=[country, ""])
    return sorted(
        contacts,
        key=lambda c: (c.country != country, c.country == "", str(c.country), not c.verified),
    )


def channel_country(channel: Channel) -> str:
    """The country whose help to show first: the channel's supplier site's, if any."""
    return str(channel.site.country) if channel.site_id else ""
