from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.risk import method, priorities
from hrdd.risk.selectors import LEVEL_LABELS, TOPIC_LABELS
from hrdd.suppliers.models import MAX_TIER


class RankingFilterForm(forms.Form):
    """The ranking's filters; a value that is not one of the choices is ignored, not an
    error (a link with an old parameter still shows the list)."""

    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels"))]
        + [(level, LEVEL_LABELS[level]) for level in (method.HIGH, method.MEDIUM, method.LOW)],
    )
    tier = forms.TypedChoiceField(
        label=_("Tier"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All tiers"))] + [(t, t) for t in range(1, MAX_TIER + 1)],
    )
    topic = forms.ChoiceField(
        label=_("Driving topic"),
        required=False,
        choices=[("", _("All topics")), *TOPIC_LABELS.items()],
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class AdjustmentForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points to add (negative to lower)"),
        min_value=-priorities.ADJUSTMENT_LIMIT,
        max_value=priorities.ADJUSTMENT_LIMIT,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you know that the data does not, e.g. an audit finding or a site visit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, so that it is in the reader's language.
        self.fields["points"].help_text = _(
            "Between -%(limit)s and %(limit)s. Added to the computed score and shown as your "
            "adjustment, never hidden in it."
        ) % {"limit": priorities.ADJUSTMENT_LIMIT}
