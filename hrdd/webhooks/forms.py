from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.webhooks.models import SUBSCRIBABLE


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of your system that accepts POST requests."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What receives the events, such as “Supplier risk dashboard”."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
    )
