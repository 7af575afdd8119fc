from django import forms
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm
from django.utils.translation import gettext_lazy as _

from hrdd.notifications.services import email_queue


class PasswordResetForm(BasePasswordResetForm):
    """Django's reset form, but the e-mail goes through the outbox and a task like every
    other message, rendered in the user's own language."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        email_queue(
            to=to_email,
            template="password_reset",
            context={"user": user, "uid": context["uid"], "token": context["token"]},
            language=user.language,
            contains_secret=True,
        )


class CodeForm(forms.Form):
    """One code: from the authenticator app, or (at login) a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, numeric: bool = False, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        if numeric:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"


class PasskeyNameForm(forms.Form):
    """Which passkey (hidden: the registration script or the list fills it in) and its name."""

    passkey = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Name of the passkey"),
        max_length=64,
        help_text=_("So that you can tell your passkeys apart, for example “Work laptop”."),
    )

    def __init__(self, *args, name_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = name_required

    def clean_passkey(self):
        passkey = self.cleaned_data.get("passkey")
        if passkey is None:
            raise forms.ValidationError(_("No passkey was chosen."))
        return passkey
