"""Login throttling with django-axes: who is counted, and what a locked-out person is told.

Axes counts failed logins per account and per address and refuses logins above
LOGIN_FAILURE_LIMIT for LOGIN_LOCKOUT_MINUTES. These three hooks are named in the settings
(AXES_USERNAME_CALLABLE, AXES_CLIENT_IP_CALLABLE, AXES_LOCKOUT_CALLABLE).
"""

from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.core.ratelimit import address_behind_proxies


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The address as the account stores it: `Alice@X.example ` and `alice@x.example` are one
    account, so they must share one count of failures."""
    credentials = credentials or {}
    # The login forms post `username`; code calling authenticate() passes `email`.
    raw = credentials.get("username") or credentials.get(User.USERNAME_FIELD)
    if raw is None and request is not None and request.method == "POST":
        raw = request.POST.get("username")
    return (raw or "").strip().lower()


def client_address(request: HttpRequest) -> str | None:
    """The visitor's address behind TRUSTED_PROXY_COUNT proxies (see address_behind_proxies)."""
    return address_behind_proxies(request, settings.TRUSTED_PROXY_COUNT)


def lockout_ends_at(request: HttpRequest, credentials: dict | None) -> datetime:
    """When logins for this account and from this address are allowed again (the later of
    the two locks; each runs from its last counted failure)."""
    username = login_username(request, credentials)
    address = client_address(request)
    latest = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=address),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    ).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """The page a locked-out person sees, in their language: what happened, until when, and
    who can unlock sooner. 429 with Retry-After, as for any other rate limit."""
    ends_at = lockout_ends_at(request, credentials)
    seconds = max(60, int((ends_at - timezone.now()).total_seconds()))
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "ends_at": ends_at,
            "minutes": (seconds + 59) // 60,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
