from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hrdd.campaigns.models import Campaign
from hrdd.core.templatetags.languages import language_names
from hrdd.questionnaires.models import QuestionnaireVersion
from hrdd.questionnaires.services import languages_check


class DateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker; where a browser shows a plain text box instead,
    the placeholder and the help text give the one format accepted (ISO 8601), never a
    day/month order to guess."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        attrs = {"placeholder": "YYYY-MM-DD HH:MM", **kwargs.pop("attrs", {})}
        super().__init__(format="%Y-%m-%dT%H:%M", attrs=attrs, **kwargs)


INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
# A new campaign opens at the next full hour and stays open this long, unless changed.
DEFAULT_OPEN_DAYS = 30


def _date_help(time_zone: str) -> str:
    return _(
        "Date and time as YYYY-MM-DD HH:MM (for example 2026-05-01 09:00), time zone %(tz)s."
    ) % {"tz": time_zone}


def _set_date_fields(form: forms.Form, time_zone: str) -> None:
    """One format, said on the form, and an error message that repeats it."""
    for name in ("opens_at", "closes_at"):
        field = form.fields[name]
        field.input_formats = INPUT_FORMATS
        field.error_messages["invalid"] = _(
            "Enter a date and time as YYYY-MM-DD HH:MM, for example 2026-05-01 09:00."
        )
    form.fields["closes_at"].help_text = _date_help(time_zone)


class CampaignDatesForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["opens_at", "closes_at"]
        widgets = {"opens_at": DateTimeInput(), "closes_at": DateTimeInput()}
        help_texts = {
            "opens_at": _("Suppliers can answer from this moment (time zone: %(tz)s)."),
            "closes_at": _("After this moment the response URL says the campaign is closed."),
        }

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].help_text = self.fields["opens_at"].help_text % {"tz": time_zone}
        _set_date_fields(self, time_zone)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The close date must be after the open date."))
        return cleaned


class QuestionnaireVersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        from django.utils.translation import get_language

        return f"{obj.questionnaire.title_in(get_language() or 'en')} (v{obj.version})"


class CampaignCreateForm(forms.Form):
    """A new campaign: questionnaire, languages, dates, confidentiality mode and breakdowns."""

    name = forms.CharField(label=_("Name"), max_length=200)
    questionnaire_version = QuestionnaireVersionChoice(
        label=_("Questionnaire"), queryset=None, empty_label=None
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered to suppliers"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
        error_messages={"required": _("Choose at least one language.")},
    )
    mode = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Campaign.Mode.choices,
        initial=Campaign.Mode.CONFIDENTIAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Disclosed campaigns ask each supplier to agree that you see its answers under its "
            "name; per-supplier reports need the paid plan. The mode cannot change later."
        ),
    )
    breakdowns = forms.MultipleChoiceField(
        label=_("Report breakdowns"),
        choices=Campaign.Breakdown.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The Summary Report can also show results by the supplier's country, industry or "
            "size, as recorded in your supplier list. Choose now: breakdowns cannot be added "
            "or changed once a supplier has answered, because choosing them after seeing who "
            "answered could single a supplier out. Groups with too few responses are merged "
            "or hidden."
        ),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    # Shown only once the buyer has picked a draft translation and been told what that means.
    accept_draft_translations = forms.BooleanField(
        label=_("Offer the draft translations anyway"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = {}
        for version in QuestionnaireVersion.objects.select_related("questionnaire").order_by(
            "questionnaire__code", "version"
        ):
            latest[version.questionnaire_id] = version.pk
        self.fields["questionnaire_version"].queryset = QuestionnaireVersion.objects.filter(
            pk__in=latest.values()
        ).select_related("questionnaire")
        # Translations no reviewer has checked yet, by version: said next to the languages
        # before the buyer picks, and to be confirmed when picked.
        choice = self.fields["questionnaire_version"]
        self.drafts, notes = {}, []
        for version in choice.queryset:
            drafts = [
                lang for lang in version.parsed.languages if version.is_draft_translation(lang)
            ]
            self.drafts[version.pk] = drafts
            if drafts:
                notes.append(
                    _("%(questionnaire)s: %(languages)s")
                    % {
                        "questionnaire": choice.label_from_instance(version),
                        "languages": language_names(drafts),
                    }
                )
        if notes:
            self.fields["languages"].help_text = _(
                "Draft translations, not checked by a reviewer yet (suppliers who answer in "
                "one are told so): %(drafts)s."
            ) % {"drafts": "; ".join(notes)}
        if not self.picked_drafts():
            del self.fields["accept_draft_translations"]
        _set_date_fields(self, settings.TIME_ZONE)
        # Filled in, so that a new campaign never starts from two empty date boxes.
        opens = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        opens += timedelta(hours=1)
        self.fields["opens_at"].initial = opens
        self.fields["closes_at"].initial = opens + timedelta(days=DEFAULT_OPEN_DAYS)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The close date must be after the open date."))
        version, languages = cleaned.get("questionnaire_version"), cleaned.get("languages")
        if version and languages:
            try:
                languages_check(offered=version.parsed.languages, languages=languages)
            except ValidationError as error:
                self.add_error(None, error)
        drafts = self.picked_drafts()
        if drafts and not cleaned.get("accept_draft_translations"):
            self.add_error(
                "languages",
                ngettext(
                    "%(languages)s is a draft translation of this questionnaire: no reviewer "
                    "has checked it yet, and suppliers who answer in it are told so. Tick "
                    "“Offer the draft translations anyway” below to use it, or untick it.",
                    "%(languages)s are draft translations of this questionnaire: no reviewer "
                    "has checked them yet, and suppliers who answer in them are told so. Tick "
                    "“Offer the draft translations anyway” below to use them, or untick them.",
                    len(drafts),
                )
                % {"languages": language_names(drafts)},
            )
        return cleaned

    def picked_drafts(self) -> list[str]:
        """The draft translations among the languages picked for the questionnaire picked
        (from the submitted data, so that the confirmation box can be offered)."""
        if not self.is_bound:
            return []
        version = self.data.get("questionnaire_version", "")
        drafts = self.drafts.get(int(version), []) if version.isdigit() else []
        return [lang for lang in self.data.getlist("languages") if lang in drafts]
