"""Writes about a user's sign-in: enrolling an authenticator, recovery codes, checking codes.

The second factor is django-otp's: a TOTP device per user (an authenticator app), any number
of passkeys (WebAuthn credentials of django-otp-webauthn, registered and checked by that
library's views), and a static device holding single-use recovery codes. TOTP and recovery
codes throttle wrong codes themselves (each failure doubles the wait before the next try).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from hrdd.accounts.models import User
from hrdd.accounts.selectors import user_has_two_factor, user_needs_two_factor, user_passkeys

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
    WebAuthnCredential.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _passkey_of(user: User, passkey_id: int) -> WebAuthnCredential:
    """One of the user's own passkeys; another user's (or none) is refused alike."""
    passkey = user_passkeys(user=user).filter(pk=passkey_id).first()
    if passkey is None:
        raise ValidationError(_("This passkey does not exist (any more)."), code="not_found")
    return passkey


@transaction.atomic
def passkey_name(*, user: User, passkey_id: int, name: str) -> list[str]:
    """Name (or rename) one of the user's passkeys. A passkey that is the user's first
    second factor also gets them recovery codes, returned to be shown once; otherwise []."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the passkey a name, such as the device it is on."))
    max_length = WebAuthnCredential._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationError(
            _("The name is too long: at most %(max)s characters.") % {"max": max_length}
        )
    passkey = _passkey_of(user, passkey_id)
    passkey.name = name
    passkey.save(update_fields=["name"])
    if StaticDevice.objects.filter(user=user, confirmed=True).exists():
        return []
    return recovery_codes_renew(user=user)


@transaction.atomic
def passkey_remove(*, user: User, passkey_id: int) -> None:
    """Remove one of the user's passkeys. Refused when it is the last second factor of a user
    whose role requires one; when it was the last of an optional one, the recovery codes go
    too (two-factor authentication is then off)."""
    passkey = _passkey_of(user, passkey_id)
    passkey.delete()
    if user_has_two_factor(user=user):
        return
    if user_needs_two_factor(user=user):
        # Raising inside the atomic block puts the passkey back.
        raise ValidationError(
            _(
                "Your role requires two-factor authentication: add another passkey or an "
                "authenticator app before removing your last passkey."
            ),
            code="required",
        )
    StaticDevice.objects.filter(user=user).delete()
