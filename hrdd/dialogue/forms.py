from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.cycle.services import MAX_BYTES
from hrdd.dialogue.models import Commitment, Engagement
from hrdd.remediation.models import TOPICS


class EngagementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Stakeholder group"), choices=Engagement.Group.choices)
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=list(TOPICS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    concerns = forms.CharField(
        label=_("Concerns raised"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the stakeholders raised, in their words where possible."),
    )
    include_in_statement = forms.BooleanField(
        label=_("Include in the yearly statement"), required=False
    )


class ParticipantForm(forms.Form):
    role = forms.CharField(label=_("Role"), max_length=120)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only if the person agreed to be named."),
    )
    name_consent = forms.BooleanField(
        label=_("The person agreed to be named in this log"), required=False
    )


class CommitmentForm(forms.Form):
    description = forms.CharField(label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Owner"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    follow_up = forms.CharField(
        label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    upload = forms.FileField(label=_("The document, as a PDF"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _("At most %(limit)s MB.") % {
            "limit": MAX_BYTES // 1024 // 1024
        }
