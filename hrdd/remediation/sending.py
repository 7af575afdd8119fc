"""The e-mails to a supplier about its plan, each with a fresh personal link (100 random
bits; only the hash is stored as a CapToken)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hrdd.core.tokens import hash_code, new_code
from hrdd.notifications.services import email_queue
from hrdd.remediation.models import CapToken, CorrectiveActionPlan


def new_token() -> str:
    return new_code(groups=5)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("remediation:supplier", kwargs={"token": token})


def cap_link_send(*, cap: CorrectiveActionPlan, template: str, **context) -> str:
    """E-mail the supplier `template` (in its language) with a fresh link to its plan."""
    token = new_token()
    CapToken.objects.create(cap=cap, token_hash=hash_code(token), created_at=timezone.now())
    finding = cap.finding
    email_queue(
        to=cap.email,
        template=template,
        language=cap.language,
        contains_secret=True,
        context={
            "buyer": finding.organisation.name,
            "supplier_name": finding.supplier.name,
            "contact_name": finding.supplier.contact_name,
            "title": finding.title,
            "due_on": cap.due_on,
            "link": link_url(token),
            **context,
        },
    )
    return token
