from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.grievances import redflags
from hrdd.grievances.attachments import clean_attachment
from hrdd.grievances.models import HelpContact


def _add_checklist(form) -> None:
    """The optional questions about forced labour and trafficking (redflags.py)."""
    for field, question, _indicator in redflags.QUESTIONS:
        form.fields[field] = forms.BooleanField(label=question, required=False)


class ChecklistMixin:
    def main_fields(self):
        return [f for f in self if f.name not in redflags.FIELDS]

    def checklist_fields(self):
        return [f for f in self if f.name in redflags.FIELDS]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): a list, maybe empty."""

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReportForm(ChecklistMixin, forms.Form):
    """The worker's report: short, and only "what happened" is required."""

    what = forms.CharField(
        label=gettext_lazy("What happened?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    where = forms.CharField(label=gettext_lazy("Where?"), max_length=500, required=False)
    since = forms.CharField(label=gettext_lazy("Since when?"), max_length=200, required=False)
    who = forms.CharField(label=gettext_lazy("Who is affected?"), max_length=1000, required=False)
    want = forms.CharField(
        label=gettext_lazy("What would you like to happen?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact = forms.CharField(
        label=gettext_lazy("Your contact (optional)"),
        help_text=gettext_lazy("Only if you want us to contact you. You can stay anonymous."),
        max_length=300,
        required=False,
    )
    files = MultipleFileField(
        label=gettext_lazy("Photos or PDF (optional)"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )
    passphrase = forms.CharField(
        label=gettext_lazy("Passphrase (optional)"),
        help_text=gettext_lazy("Protects your receipt code. You will need both to read answers."),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _add_checklist(self)

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > settings.GRIEVANCE_ATTACHMENTS_MAX:
            raise ValidationError(
                _("At most %(count)d files.") % {"count": settings.GRIEVANCE_ATTACHMENTS_MAX}
            )
        accepted, problems = [], []
        for uploaded in files:
            try:
                accepted.append(clean_attachment(uploaded))
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        return accepted


class ReceiptForm(ChecklistMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Receipt code"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    passphrase = forms.CharField(
        label=gettext_lazy("Passphrase (if you chose one)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"}),
    )
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("Optional: are you satisfied with how your report was handled?"),
        choices=[
            ("yes", gettext_lazy("Yes")),
            ("partly", gettext_lazy("Partly")),
            ("no", gettext_lazy("No")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _add_checklist(self)


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(
        label=gettext_lazy("Grievance passphrase"),
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ChannelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name shown to workers"), max_length=200)
    site = forms.TypedChoiceField(
        label=gettext_lazy("Supplier site (optional)"), coerce=int, required=False, empty_value=None
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "—")] + [
            (site.pk, f"{site.supplier.name} · {site.name}") for site in sites
        ]


class CaseForm(forms.Form):
    """One action on a case: a reply to the reporter, a note, a state, a category."""

    action = forms.ChoiceField(
        choices=[
            ("reply", "reply"),
            ("note", "note"),
            ("outcome", "outcome"),
            ("state", "state"),
            ("category", "category"),
            ("assign", "assign"),
            ("forward", "forward"),
            ("finding", "finding"),
        ]
    )
    confirm = forms.BooleanField(required=False)
    assignee = forms.IntegerField(required=False)
    body = forms.CharField(max_length=10000, required=False)
    state = forms.CharField(max_length=20, required=False)
    category = forms.CharField(max_length=40, required=False)
    severity = forms.CharField(max_length=20, required=False)
    title = forms.CharField(max_length=200, required=False)


class HelpContactForm(forms.ModelForm):
    website = HelpContact._meta.get_field("website").formfield(assume_scheme="https")
    source_url = HelpContact._meta.get_field("source_url").formfield(assume_scheme="https")

    class Meta:
        model = HelpContact
        fields = [
            "country",
            "name",
            "description",
            "phone",
            "website",
            "languages",
            "source_url",
            "verified",
            "verified_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "verified_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        if data.get("verified") and not data.get("verified_on"):
            self.add_error("verified_on", _("Give the date it was verified."))
        return data


class PosterForm(forms.Form):
    """The languages of the poster: among the channel's, one page each."""

    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages of the workers at the site"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, channel, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        self.fields["languages"].choices = [(c, names.get(c, c)) for c in channel.languages]
