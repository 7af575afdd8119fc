"""Writes of API keys: made and revoked by the organisation's owners, and the record of use."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.api.models import ApiToken, Scope
from hrdd.organisations.models import Organisation

# Longest a key may live; owners choose less. A key that never expires is forgotten.
MAX_DAYS = 366
# The last use is written at most this often per key, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    """SHA-256 of the whole secret: 256 random bits make a slow hash unnecessary."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, organisation: Organisation, name: str, scopes: list[str], days: int, by: User | None
) -> tuple[ApiToken, str]:
    """Make a key for `organisation`; returns it and its secret, which is never stored
    (only its digest) and must be shown to the owner now, once."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the key a name, such as the system that will use it.")
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if not scopes or unknown:
        errors["scopes"] = _("Choose at least one of the listed scopes.")
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("A key lives from 1 to %(max)s days.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=secret[: ApiToken.PREFIX_LENGTH],
        digest=token_digest(secret),
        scopes=[scope for scope in Scope.values if scope in scopes],
        created_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, secret


def token_revoke(*, token: ApiToken, by: User | None) -> bool:
    """Revoke a key at once; False if it was already revoked (a double click)."""
    now = timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return bool(revoked)


def token_use(secret: str) -> ApiToken | None:
    """The active key whose secret this is, else None; records when it was last used."""
    if not secret.startswith(ApiToken.PREFIX):
        return None
    digest = token_digest(secret)
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(digest=digest, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    # The lookup is by digest (an index), the comparison in constant time for form's sake.
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
