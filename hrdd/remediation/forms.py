from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.remediation.models import TOPICS, Action, CorrectiveActionPlan, Finding
from hrdd.suppliers.models import Site, Supplier

DATE = forms.DateInput(attrs={"type": "date"})
# The sources the buyer's form offers (grievance cases and impact assessments have their own).
SOURCES = [
    (v, label)
    for v, label in Finding.Source.choices
    if v not in {Finding.Source.GRIEVANCE, Finding.Source.IMPACT}
]


class ResponseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.campaign.name}: {obj.supplier_name or obj.pk}"


class FindingForm(forms.Form):
    """A new finding at one supplier of the buyer's list. Only disclosed, consented
    responses are offered (and services.finding_create refuses any other)."""

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    site = forms.ModelChoiceField(
        label=_("Site (optional)"), queryset=Site.objects.none(), required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=SOURCES)
    response = ResponseChoiceField(
        label=_("Disclosed response"),
        queryset=None,
        required=False,
        help_text=_(
            "Only for a finding from a disclosed answer: the responses of your disclosed "
            "campaigns whose suppliers agreed that you see their answers."
        ),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=list(TOPICS.items()))
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Finding.Severity.choices,
        help_text=_(
            "As in an RBA audit: priority (acted on within days), major (a systemic "
            "failure), minor (an isolated lapse)."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 5}))
    observed_on = forms.DateField(label=_("Found on"), widget=DATE)
    file = forms.FileField(
        label=_("Report or photo (PDF, PNG or JPEG; needed for an audit report)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, organisation, responses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(organisation=organisation)
        self.fields["site"].queryset = Site.objects.filter(
            supplier__organisation=organisation
        ).select_related("supplier")
        self.fields["response"].queryset = responses


class RecommendationForm(forms.Form):
    """Where and how grave: an impact-assessment recommendation made a finding and a plan."""

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    site = forms.ModelChoiceField(
        label=_("Site (optional)"), queryset=Site.objects.none(), required=False
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=list(TOPICS.items()))
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(organisation=organisation)
        self.fields["site"].queryset = Site.objects.filter(
            supplier__organisation=organisation
        ).select_related("supplier")


class FilterForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("All")), *Finding.Severity.choices], required=False
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *TOPICS.items()], required=False
    )
    country = forms.CharField(label=_("Country code"), max_length=2, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), ("open", _("Open")), *Finding.Status.choices],
        required=False,
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["country"] = data["country"].upper()
        return data


class TimelinesForm(forms.Form):
    cap_days = forms.IntegerField(label=_("Days to propose a CAP"), min_value=1, max_value=365)
    priority_days = forms.IntegerField(
        label=_("Days to act on a priority finding"), min_value=1, max_value=365
    )
    reminder_days = forms.IntegerField(
        label=_("Days before a due date to remind the supplier"), min_value=1, max_value=365
    )


class ChangesForm(forms.Form):
    note = forms.CharField(
        label=_("What should the supplier change?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class VerifyForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Verified by"),
        choices=CorrectiveActionPlan.Verification.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File (PDF, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


# --- The supplier's forms ---------------------------------------------------------------------


class ActionRowForm(forms.Form):
    """One action of the supplier's plan; a row left empty is ignored."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Action.Kind.choices)
    description = forms.CharField(
        label=_("Action"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("Who is in charge"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, number: int, **kwargs):
        super().__init__(
            *args,
            prefix=f"action-{number}",
            empty_permitted=True,
            use_required_attribute=False,
            **kwargs,
        )
        self.number = number

    def has_changed(self) -> bool:
        # The kind has a default value; a row is begun when something else is typed.
        return any(self[name].value() for name in ("description", "owner", "due_on"))


class ProposalForm(forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why did this happen? Not only what happened."),
    )


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("More time until"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DoneForm(forms.Form):
    action_id = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(
        label=_("Photo or document (optional; PDF, PNG or JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
