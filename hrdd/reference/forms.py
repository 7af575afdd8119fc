from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.reference.specs import SPECS


class EditionUploadForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Dataset"), choices=[])
    file = forms.FileField(label=_("File (CSV in UTF-8, or XLSX)"))
    edition = forms.CharField(label=_("Edition"), max_length=50, help_text=_("e.g. 2024"))
    source = forms.CharField(label=_("Source"), widget=forms.Textarea(attrs={"rows": 2}))
    source_url = forms.URLField(label=_("Source URL"), required=False, assume_scheme="https")
    licence = forms.CharField(label=_("Licence"), widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(code, spec.name) for code, spec in SPECS.items()]
