import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hrdd.laws.applicability import RATES_AS_OF, RATES_PER_EUR, validate_rules
from hrdd.laws.models import LawVersion
from hrdd.laws.selectors import EVIDENCE
from hrdd.risk.selectors import TOPIC_LABELS

COUNTRY_ERRORS = {
    "invalid_choice": _("%(value)s is not a country we know: choose one from the list."),
}
MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class FilterForm(forms.Form):
    """The library's filters (all optional)."""

    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False, choices=[])
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *LawVersion.Kind.choices],
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *TOPIC_LABELS.items()]
    )

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [("", _("All jurisdictions")), *jurisdictions]


class CountriesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            choices=[],
            widget=forms.SelectMultiple(attrs={"size": 6}),
            error_messages=COUNTRY_ERRORS,
            **kwargs,
        )


class AnswersForm(forms.Form):
    """The few questions that decide which laws apply to a buyer."""

    incorporated_in = forms.ChoiceField(
        label=_("Where is your organisation incorporated?"),
        choices=[],
        error_messages={"required": _("Choose the country."), **COUNTRY_ERRORS},
    )
    sells_in = CountriesField(label=_("Where do you sell your products or services?"))
    imports_into = CountriesField(label=_("Into which countries do you import goods?"))
    listed_in = CountriesField(
        label=_("Where are your shares listed on a stock exchange? (none if not listed)")
    )
    turnover = forms.DecimalField(
        label=_("Annual turnover (group, worldwide)"),
        min_value=0,
        max_digits=18,
        decimal_places=0,
        error_messages={
            "required": _("Give your annual turnover (0 if you have none)."),
            "min_value": _("The turnover cannot be negative."),
            "invalid": _("Enter the turnover as a whole number, for example 50000000."),
            "max_decimal_places": _("Enter the turnover as a whole number, for example 50000000."),
        },
    )
    currency = forms.ChoiceField(label=_("Currency of the turnover"), choices=[])
    employees = forms.IntegerField(
        label=_("Employees (group, worldwide)"),
        min_value=0,
        error_messages={
            "required": _("Give the number of employees."),
            "min_value": _("The number of employees cannot be negative."),
            "invalid": _("Enter the number of employees as a whole number."),
        },
    )
    year_end_month = forms.TypedChoiceField(
        label=_("Your financial year ends in"), choices=MONTHS, coerce=int, initial=12
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(countries)
        self.fields["incorporated_in"].choices = [("", "---------"), *choices]
        for name in ("sells_in", "imports_into", "listed_in"):
            self.fields[name].choices = choices
            self.fields[name].help_text = _(
                "Choose one or more (Ctrl or Cmd and click); leave empty for none."
            )
        self.fields["currency"].choices = [(code, code) for code in RATES_PER_EUR]
        # Formatted here, not at import time, so that it is in the reader's language.
        self.fields["currency"].help_text = _(
            "Other currencies are converted at approximate rates of %(date)s (1 EUR = %(rates)s); "
            "near a threshold the result says to check."
        ) % {
            "date": RATES_AS_OF,
            "rates": ", ".join(
                f"{rate} {code}" for code, rate in RATES_PER_EUR.items() if code != "EUR"
            ),
        }


class JSONField(forms.CharField):
    """A JSON value typed in a text area."""

    widget = forms.Textarea(attrs={"rows": 8})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON (line %(line)s, column %(column)s): %(message)s."),
                params={"line": error.lineno, "column": error.colno, "message": error.msg},
            ) from error

    def prepare_value(self, value):
        if isinstance(value, list | dict):
            return json.dumps(value, indent=2, ensure_ascii=False)
        return value


class DateInput(forms.DateInput):
    input_type = "date"


class LawVersionForm(forms.ModelForm):
    """The operator's edit of a library entry: saved as the entry's next version."""

    topics = forms.MultipleChoiceField(
        label=_("Risk topics"),
        required=False,
        choices=list(TOPIC_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.MultipleChoiceField(
        label=_("Evidence in the platform"),
        required=False,
        choices=[(key, label) for key, (label, _name) in EVIDENCE.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    rules = JSONField(label=_("Who it applies to (rules, JSON)"))
    report = JSONField(label=_("Report due (JSON)"), required=False)
    change_note = forms.CharField(label=_("What changed"), max_length=300)
    source_url = forms.URLField(label=_("Official source"), max_length=500, assume_scheme="https")

    class Meta:
        model = LawVersion
        fields = [
            "short_name",
            "title",
            "jurisdiction",
            "kind",
            "binding",
            "in_force_from",
            "applies_from",
            "source_url",
            "summary_en",
            "summary_ja",
            "obligations_en",
            "obligations_ja",
            "note_en",
            "note_ja",
            "topics",
            "evidence",
            "rules",
            "report",
            "review_by",
            "to_verify",
        ]
        widgets = {
            "in_force_from": DateInput,
            "applies_from": DateInput,
            "review_by": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rules"].help_text = _("See docs/laws.md for the keys a rule may have.")
        self.fields["change_note"].help_text = _("Shown in the entry's change log.")

    def clean_rules(self):
        rules = self.cleaned_data["rules"]
        errors = validate_rules(rules)
        if errors:
            raise forms.ValidationError(errors)
        return rules

    def clean_report(self):
        report = self.cleaned_data["report"] or {}
        if not isinstance(report, dict) or (
            report
            and not ({"months_after_year_end"} == set(report) or {"every_year"} == set(report))
        ):
            raise forms.ValidationError(
                _('Give {"months_after_year_end": 6}, {"every_year": "05-31"} or leave it empty.')
            )
        return report
