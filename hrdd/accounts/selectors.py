"""Reads about a user's sign-in: second factor, recovery codes, how long a session may idle."""

from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from hrdd.accounts.models import User
from hrdd.organisations.selectors import user_is_operator_staff, user_must_use_two_factor


def user_has_two_factor(*, user: User) -> bool:
    """True once the user has confirmed an authenticator app or registered a passkey
    (recovery codes alone are not a second factor: they are its spare keys)."""
    return user_has_authenticator_app(user=user) or user_passkeys(user=user).exists()


def user_has_authenticator_app(*, user: User) -> bool:
    """True once the user has confirmed an authenticator app (TOTP)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_passkeys(*, user: User) -> QuerySet[WebAuthnCredential]:
    """The user's passkeys (WebAuthn credentials), oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def passkeys_enabled() -> bool:
    """Whether this site can offer passkeys at all: browsers allow them only on HTTPS (or
    http://localhost) under a domain name, which SITE_URL decides (config/settings.py)."""
    return settings.PASSKEYS_ENABLED


def user_needs_two_factor(*, user: User) -> bool:
    """True if the user's role requires a second factor (operator staff, owners)."""
    return settings.TWO_FACTOR_REQUIRED and user_must_use_two_factor(user)


def recovery_codes_left(*, user: User) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_paused_until(*, user: User) -> datetime | None:
    """After wrong codes django-otp makes the user wait (1, 2, 4, … seconds): until when."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return data["locked_until"]
    return None


def session_idle_seconds(*, user: User) -> int:
    """How long a session of `user` may go without a request before it ends: short for the
    operator's staff, who see across all buyers, a working day for buyers."""
    if user_is_operator_staff(user):
        return settings.SESSION_IDLE_MINUTES_OPERATOR * 60
    return settings.SESSION_IDLE_MINUTES_BUYER * 60
