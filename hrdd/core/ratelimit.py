"""Rate limits on the anonymous forms that write or send, answered with a 429 page.

One middleware covers every such form, listed below by URL name, so that a form is limited
the day it is added here and no view has to remember a decorator. The counting is
django-ratelimit's: a counter per rule and window in the shared cache (the database cache,
or Redis with CACHE_URL, so that every web process counts together). Its cache keys are
SHA-256 hashes of the rule, the value (address, campaign or recipient) and the window, and
expire with the window: no address is stored in clear, nor kept longer than the window.

The limits are per minute and generous enough for a factory whose people answer from one
shared address; nothing here asks a supplier to prove anything (no CAPTCHA).
"""

import math

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import get_usage

# URL name -> the group of limits that applies to its POSTs (settings.RATE_LIMITS).
LIMITED_VIEWS = {
    # Starting a response (a new row) or resuming one with a code (code guessing).
    "responses:landing": "start",
    # Copying earlier answers with their code (code guessing).
    "responses:reuse": "start",
    # Saving and submitting answers (each POST writes the draft).
    "responses:answer": "answer",
    "responses:answer_page": "answer",
    # Forms that send an e-mail to an address the visitor types.
    "responses:email_link": "mail",
    "organisations:apply": "mail",
    "accounts:password_reset": "mail",
    # Forms that act on a secret in the link (token guessing).
    "links:invitation": "link",
    "links:opt_out": "link",
    "links:share": "link",
    "namings:answer": "link",
    "remediation:supplier": "link",
    "accounts:password_reset_confirm": "link",
    # The grievance channel: reports, and receipt codes (code guessing). Counted per keyed
    # hash of the address (hrdd/grievances/middleware.py): the address itself is gone.
    "grievances:report": "grievance",
    "grievances:receipt": "receipt",
}


def address_behind_proxies(request, proxies: int) -> str | None:
    """The visitor's address behind `proxies` proxies of our own that append to
    X-Forwarded-For: the entry that many from the right, which the outermost of them wrote
    (a visitor can prepend anything it likes to the header, but not change what our proxies
    appended). With no proxy, or too short a header, the connection's own address."""
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def client_address(request) -> str:
    """The visitor's address for the rate limits (RATE_LIMIT_PROXY_COUNT proxies)."""
    address = address_behind_proxies(request, settings.RATE_LIMIT_PROXY_COUNT)
    return address or "0.0.0.0"  # noqa: S104 - a value, not a bind


def _campaign(group, request) -> str:
    return request.resolver_match.kwargs.get("slug", "")


def _recipient(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


def _reporter(group, request) -> str:
    return request.META.get("HRDD_REPORTER_BUCKET", "")


KEYS = {
    "address": "ip",
    "campaign": _campaign,
    "recipient": _recipient,
    "reporter": _reporter,
}


class RateLimitMiddleware:
    """Count each POST to a listed form; over a limit, answer 429 with a page saying when."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        group = LIMITED_VIEWS.get(request.resolver_match.view_name)
        if group is None:
            return None
        wait = 0
        for rule, rate in settings.RATE_LIMITS[group].items():
            usage = get_usage(
                request,
                group=f"{group}:{rule}",
                key=KEYS[rule],
                rate=rate,
                method="POST",
                increment=True,
            )
            if usage and usage["should_limit"]:
                wait = max(wait, usage["time_left"], 1)
        if not wait:
            return None
        return too_many_requests(request, wait)


def too_many_requests(request, seconds: int):
    """The 429 page in the visitor's language, with a Retry-After header."""
    response = render(
        request,
        "429.html",
        {"minutes": max(1, math.ceil(seconds / 60)), "retry_url": request.get_full_path()},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response
