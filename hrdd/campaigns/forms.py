from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.campaigns.models import Campaign


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


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
        for name in self.fields:
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The close date must be after the open date."))
        return cleaned
