from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hrdd.impact import consent, selectors
from hrdd.impact.models import RATING_MAX, RATING_MIN, Finding, Interview, PlannedActivity, Project
from hrdd.reference import selectors as reference
from hrdd.suppliers.models import Site


class DateInput(forms.DateInput):
    input_type = "date"


DATE_ERRORS = {"invalid": _("Enter a date as YYYY-MM-DD, for example 2026-12-31.")}


class ProjectForm(forms.ModelForm):
    """The scope and method of an assessment."""

    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=[],
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"required": _("Choose at least one country.")},
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites of your suppliers (optional)"), queryset=Site.objects.none(), required=False
    )

    class Meta:
        model = Project
        fields = ["title", "countries", "sector", "goods", "sites", "method"]
        error_messages = {"title": {"required": _("Give the assessment a title.")}}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = list(countries)
        self.fields["sites"].queryset = Site.objects.filter(
            supplier__organisation=organisation
        ).select_related("supplier")
        self.fields["sites"].label_from_instance = lambda site: (
            f"{site.supplier.name} — {site.name} ({site.country.name})"
        )
        if self.instance.pk:
            self.initial["countries"] = [c.code for c in self.instance.countries]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)


class DeskNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the note.")},
    )
    edition = forms.ModelChoiceField(
        label=_("Dataset edition it rests on (optional)"), queryset=None, required=False
    )
    law_id = forms.ChoiceField(label=_("Law it concerns (optional)"), choices=[], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = reference.editions()
        self.fields["edition"].label_from_instance = lambda e: f"{e.dataset.name} — {e.edition}"
        self.fields["law_id"].choices = [("", "---------"), *selectors.law_choices()]


class InterviewFields(forms.Form):
    """What an interview record holds besides its consent: shared by recording and editing."""

    group = forms.ChoiceField(label=_("Interviewee group"), choices=Interview.Group.choices)
    taken_on = forms.DateField(
        label=_("Date of the interview"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Enter the date of the interview.")},
    )
    interviewee_name = forms.CharField(
        label=_("Name (only if the interviewee agreed to have it stored)"),
        max_length=200,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    sensitive_notes = forms.CharField(
        label=_("Sensitive notes"),
        help_text=_(
            "Stored encrypted; shown only to your organisation's owners and administrators, "
            "never in the report."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on > timezone.localdate():
            raise forms.ValidationError(_("The interview date cannot be in the future."))
        return taken_on


class InterviewEditForm(InterviewFields):
    """Corrections to an interview record (its consent record stays as it was agreed)."""

    def __init__(self, *args, consent_to_name: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not consent_to_name:
            del self.fields["interviewee_name"]


class ActivityForm(forms.ModelForm):
    class Meta:
        model = PlannedActivity
        fields = ["kind", "date", "place", "interviewer"]
        widgets = {"date": DateInput()}
        error_messages = {
            "date": {**DATE_ERRORS, "required": _("Enter the date of the activity.")},
            "place": {"required": _("Enter where it takes place.")},
        }


class InterviewForm(InterviewFields):
    """An interview and its consent, for the consent text of `language` shown above it."""

    language = forms.ChoiceField(widget=forms.HiddenInput, choices=[])
    consent_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    consent_to_interview = forms.BooleanField(
        label=_("The interviewee agreed to be interviewed"),
        required=False,
    )
    consent_to_quote = forms.BooleanField(
        label=_("The interviewee agreed to be quoted without the name"), required=False
    )
    consent_to_name = forms.BooleanField(
        label=_("The interviewee agreed to have the name stored"), required=False
    )
    # The consents before the name they allow, as the page asks them.
    field_order = [
        "language",
        "consent_sha256",
        "group",
        "taken_on",
        "consent_to_interview",
        "consent_to_quote",
        "consent_to_name",
        "interviewee_name",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = consent.consent_languages()


RATING_HELP = _("From 1 (low) to 3 (high).")


def rating(label):
    return forms.IntegerField(
        label=label,
        min_value=RATING_MIN,
        max_value=RATING_MAX,
        help_text=RATING_HELP,
        error_messages={
            "required": _("Rate it from 1 to 3."),
            "invalid": _("Rate it from 1 to 3."),
            "min_value": _("Rate it from 1 to 3."),
            "max_value": _("Rate it from 1 to 3."),
        },
    )


class FindingForm(forms.ModelForm):
    scale = rating(_("Scale: how grave the harm is"))
    scope = rating(_("Scope: how many people it reaches"))
    irremediability = rating(_("Irremediability: how hard it is to put right"))
    likelihood = rating(_("Likelihood: how likely it is to happen or to go on"))

    class Meta:
        model = Finding
        fields = [
            "topic",
            "title",
            "description",
            "scale",
            "scope",
            "irremediability",
            "likelihood",
        ]
        error_messages = {"title": {"required": _("Give the finding a title.")}}


class SalientForm(forms.Form):
    rationale = forms.CharField(
        label=_("Why it is salient"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why this issue is salient.")},
    )


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label=_("Recommendation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the recommendation.")},
    )
    finding = forms.ModelChoiceField(
        label=_("Finding it answers (optional)"), queryset=None, required=False
    )
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        error_messages={"required": _("Say who is responsible.")},
    )
    target_date = forms.DateField(
        label=_("Target date"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Enter the target date.")},
    )
    to_become_cap = forms.BooleanField(
        label=_("To become a corrective action plan"), required=False
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = project.findings.all()

    def clean_target_date(self):
        target = self.cleaned_data["target_date"]
        if target < timezone.localdate():
            raise forms.ValidationError(_("The target date cannot be in the past."))
        return target
