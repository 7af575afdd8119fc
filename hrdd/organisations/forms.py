from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from hrdd.organisations.models import Industry, SupplierCountBand
from hrdd.questionnaires.models import Questionnaire
from hrdd.questionnaires.services import languages_check


class QuestionnaireChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Questionnaire) -> str:
        from django.utils.translation import get_language

        return obj.title_in(get_language() or "en")


class ApplicationForm(forms.Form):
    """The public application to join the program."""

    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200)
    country = LazyTypedChoiceField(label=_("Country"), choices=[("", "---------"), *countries])
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[("", "---------"), *Industry.choices]
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send the confirmation and, once approved, your login link here."),
    )
    supplier_count = forms.ChoiceField(
        label=_("Approximate number of suppliers"),
        choices=[("", "---------"), *SupplierCountBand.choices],
    )
    questionnaire = QuestionnaireChoiceField(
        label=_("Questionnaire"),
        queryset=Questionnaire.objects.filter(versions__isnull=False).distinct(),
        empty_label=None,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages for your suppliers"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
        error_messages={"required": _("Choose at least one language.")},
    )
    accept_terms = forms.BooleanField(
        label=_(
            "I accept the program terms: our suppliers' individual answers stay confidential, "
            "and we receive aggregated results only."
        ),
        error_messages={"required": _("You need to accept the terms to apply.")},
    )

    def clean(self):
        cleaned = super().clean()
        questionnaire, languages = cleaned.get("questionnaire"), cleaned.get("languages")
        if questionnaire and languages:
            version = questionnaire.latest_version()
            try:
                languages_check(
                    offered=version.parsed.languages if version else (), languages=languages
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Please give the applicant a reason.")},
    )
