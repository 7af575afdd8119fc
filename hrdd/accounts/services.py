"""Writes about a user's sign-in: enrolling an authenticator, recovery codes, checking codes.

The second factor is django-otp's: a TOTP device per user (an authenticator app) and a static
device holding single-use recovery codes. Both throttle wrong codes themselves (each failure
doubles the wait before the next try).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrdd.accounts.models import User
from hrdd.accounts.selectors import user_needs_two_factor

RECOVERY_CODE_COUNT = 10


def _normalise(code: str) -> str:
    """People copy codes with spaces and hyphens ("123 456", "abcd-efgh"); both are noise."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator the user is setting up: the same secret on every visit of the setup
    page until it is confirmed, so reloading the page does not break the app's entry."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator with a code it shows, replacing any earlier one, and return
    a fresh set of recovery codes. A wrong code raises ValidationError."""
    if device.confirmed or not device.verify_token(_normalise(code)):
        raise ValidationError(
            _("This code does not match. Enter the six digits the app shows now."),
            code="wrong_code",
        )
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=device.user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones (each works once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts `code` (an authenticator code, or a recovery code, which is
    then used up), or None. Each device counts and throttles its own wrong codes."""
    code = _normalise(code)
    if not code:
        return None
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=user, confirmed=True)
    )
    # Six digits are an authenticator code; anything else can only be a recovery code, and
    # must not count as a wrong authenticator code (nor the reverse).
    is_totp = code.isdigit() and len(code) == 6
    for device in devices:
        if isinstance(device, TOTPDevice) != is_totp:
            continue
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove the user's authenticator and recovery codes; refused when the role needs them."""
    if user_needs_two_factor(user=user):
        raise ValidationError(
            _("Your role requires two-factor authentication: it cannot be turned off."),
            code="required",
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
