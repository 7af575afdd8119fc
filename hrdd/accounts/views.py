"""Logging in with a second factor, enrolling it, recovery codes, and one's own security page.

Django's own LoginView checks the password (and django-axes the throttling); when the account
has a second factor, the session is logged in only after the next page: a code from the
authenticator app, a recovery code, or a passkey. The passkey ceremonies are
django-otp-webauthn's views, adapted here to that pending login (`Passkey*View`).
"""

import time
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn import views as webauthn_views

from hrdd.accounts import selectors, services
from hrdd.accounts.forms import CodeForm, PasskeyNameForm
from hrdd.accounts.models import User

PENDING_LOGIN = "pending_login"
NEW_RECOVERY_CODES = "new_recovery_codes"
# Between the password and the code: long enough to open the app, short enough not to linger.
PENDING_LOGIN_SECONDS = 300


def _safe_next(request, candidate: str | None, default: str) -> str:
    """`candidate` if it is a path on this site, else `default`. Only paths: redirect()
    would take a bare word for a view name and fail on it."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default


class LoginView(auth_views.LoginView):
    """E-mail and password; accounts with an authenticator go on to the code page with the
    password checked but the session not yet logged in."""

    template_name = "accounts/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if not selectors.user_has_two_factor(user=user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_LOGIN] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": int(time.time()),
        }
        return redirect("accounts:login_code")


def _pending_user(request) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING_LOGIN) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        return None, {}
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


@sensitive_post_parameters("code")
def login_code(request):
    """The second step of a login (after the password), or of a session that was logged in
    without it (the administration site's login): a code from the app or a recovery code."""
    if request.user.is_authenticated:
        user, pending = request.user, {}
        default_next = reverse("home")
        if request.user.is_verified() or not selectors.user_has_two_factor(user=user):
            return redirect(_safe_next(request, request.GET.get("next"), default_next))
    else:
        user, pending = _pending_user(request)
        if user is None:
            request.session.pop(PENDING_LOGIN, None)
            messages.info(request, _("Please log in again: the login took too long."))
            return redirect("accounts:login")
        default_next = pending["next"]
    has_app = selectors.user_has_authenticator_app(user=user)
    form = CodeForm(request.POST or None, help_text=_code_help(has_app=has_app))
    if request.method == "POST" and form.is_valid():
        # Paused by earlier wrong codes (django-otp's throttling): even a right code waits.
        paused_until = selectors.two_factor_paused_until(user=user)
        device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            if pending:
                request.session.pop(PENDING_LOGIN, None)
                user.otp_device = device  # django-otp marks the new session as verified
                auth_login(request, user, backend=pending["backend"])
            else:
                otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = selectors.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _(
                        "You logged in with a recovery code; it cannot be used again. "
                        "%(left)s codes left: make new ones on your security page."
                    )
                    % {"left": left},
                )
            return redirect(_safe_next(request, request.GET.get("next"), default_next))
        form.add_error(
            "code",
            _("Too many wrong codes. Wait a few seconds, then enter the code shown now.")
            if paused_until
            else _(
                "This code is not right. Enter the code your app shows now, or one of your "
                "recovery codes."
            )
            if has_app
            else _("This code is not right. Enter one of your recovery codes."),
        )
    return render(
        request,
        "accounts/login_code.html",
        {
            "form": form,
            "has_app": has_app,
            "has_passkeys": selectors.passkeys_enabled()
            and selectors.user_passkeys(user=user).exists(),
        },
    )


def _code_help(*, has_app: bool) -> str:
    if not has_app:
        return _("Lost your passkey? Enter one of your recovery codes.")
    return _(
        "The six digits your authenticator app shows for this site. Lost your phone? "
        "Enter one of your recovery codes instead."
    )


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
@sensitive_post_parameters("code")
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code,
    then receive recovery codes. Owners and operator staff are sent here until they do; the
    page also offers a passkey instead, where the site can have them."""
    if selectors.user_has_authenticator_app(user=request.user):
        return redirect("accounts:security")
    device = services.totp_device_start(user=request.user)
    form = CodeForm(request.POST or None, numeric=True)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            otp_login(request, device)
            request.session[NEW_RECOVERY_CODES] = codes
            return redirect(
                reverse("accounts:recovery_codes") + _next_query(request.GET.get("next"))
            )
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": selectors.user_needs_two_factor(user=request.user),
            "offer_passkey": selectors.passkeys_enabled()
            and not selectors.user_has_two_factor(user=request.user),
            "passkey_form": PasskeyNameForm(),
            "passkey_action": reverse("accounts:passkey_name")
            + _next_query(request.GET.get("next")),
        },
    )


def _next_query(next_url: str | None) -> str:
    return "?" + urlencode({"next": next_url}) if next_url else ""


@login_required
def recovery_codes(request):
    """Shows new recovery codes once, right after they were made."""
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if not codes:
        return redirect("accounts:security")
    next_url = _safe_next(request, request.GET.get("next"), reverse("home"))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})


@login_required
def security(request, passkey_form=None):
    """One's own sign-in settings: password, authenticator app, passkeys, recovery codes."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_two_factor": selectors.user_has_two_factor(user=user),
            "has_app": selectors.user_has_authenticator_app(user=user),
            "passkeys": list(selectors.user_passkeys(user=user)),
            "passkeys_enabled": selectors.passkeys_enabled(),
            "passkey_form": passkey_form or PasskeyNameForm(),
            "needs_two_factor": selectors.user_needs_two_factor(user=user),
            "codes_left": selectors.recovery_codes_left(user=user),
            "idle_minutes": selectors.session_idle_seconds(user=user) // 60,
        },
    )


@login_required
@require_POST
def recovery_codes_renew(request):
    if not selectors.user_has_two_factor(user=request.user):
        return redirect("accounts:security")
    request.session[NEW_RECOVERY_CODES] = services.recovery_codes_renew(user=request.user)
    return redirect("accounts:recovery_codes")


@login_required
@require_POST
def two_factor_disable(request):
    try:
        services.two_factor_disable(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Two-factor authentication is turned off."))
    return redirect("accounts:security")


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Change one's password (the current one first); the session stays logged in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")
    success_message = gettext_lazy("Your password is changed.")


@login_required
@require_POST
def passkey_name(request):
    """Name a passkey: right after registering it (the page's script posts the name typed
    before), or later to rename it. A first second factor brings recovery codes."""
    form = PasskeyNameForm(request.POST)
    if form.is_valid():
        try:
            codes = services.passkey_name(
                user=request.user,
                passkey_id=form.cleaned_data["passkey"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(
                request, _("Passkey “%(name)s” saved.") % {"name": form.cleaned_data["name"]}
            )
            if codes:
                request.session[NEW_RECOVERY_CODES] = codes
                return redirect(
                    reverse("accounts:recovery_codes") + _next_query(request.GET.get("next"))
                )
            return redirect("accounts:security")
    return security(request, passkey_form=form)


@login_required
@require_POST
def passkey_remove(request):
    form = PasskeyNameForm(request.POST, name_required=False)
    if form.is_valid():
        try:
            services.passkey_remove(user=request.user, passkey_id=form.cleaned_data["passkey"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The passkey is removed."))
    return redirect("accounts:security")


class _PasskeysOn:
    """The library's ceremony views, answering 404 where the site cannot have passkeys."""

    def initial(self, request, *args, **kwargs):
        if not selectors.passkeys_enabled():
            raise Http404
        super().initial(request, *args, **kwargs)


class PasskeyRegisterBeginView(_PasskeysOn, webauthn_views.BeginCredentialRegistrationView):
    """Registration needs a logged-in user who has given their second factor in this session
    if they have one (the library checks it): a stolen password cannot add a passkey."""


class PasskeyRegisterCompleteView(_PasskeysOn, webauthn_views.CompleteCredentialRegistrationView):
    pass


class _PendingLoginUser:
    """At login the password is checked but the session is not logged in yet: the passkey
    ceremony is for the user whose password was just given (PENDING_LOGIN), or for the
    logged-in user of a session that still owes its second factor."""

    def get_user(self):
        if self.request.user.is_authenticated:
            return self.request.user
        return _pending_user(self.request)[0]

    def check_can_authenticate(self):
        user = self.get_user()
        if user is None or not user.is_active:
            raise webauthn_errors.NotAuthenticated(
                detail=_("Please log in again: the login took too long.")
            )


class PasskeyLoginBeginView(
    _PasskeysOn, _PendingLoginUser, webauthn_views.BeginCredentialAuthenticationView
):
    pass


class PasskeyLoginCompleteView(
    _PasskeysOn, _PendingLoginUser, webauthn_views.CompleteCredentialAuthenticationView
):
    """A passkey of the pending user (the library refuses anyone else's) logs the session in,
    verified, exactly as a right code on the code page does."""

    def complete_auth(self, device):
        request = self.request
        if request.user.is_authenticated:
            otp_login(request, device)
            self.next_url = _safe_next(request, request.GET.get("next"), reverse("home"))
            return
        user, pending = _pending_user(request)
        request.session.pop(PENDING_LOGIN, None)
        user.otp_device = device  # django-otp marks the new session as verified
        auth_login(request, user, backend=pending["backend"])
        self.next_url = _safe_next(request, request.GET.get("next"), pending["next"])

    def get_success_url(self):
        return self.next_url
