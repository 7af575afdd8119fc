from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.cycle.models import PolicyDocument
from hrdd.cycle.services import MAX_BYTES


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    adopted_on = forms.DateField(
        label=_("Adopted or published on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When the board or management adopted it, or when it was published."),
    )
    public_url = forms.URLField(
        label=_("Where it is published (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    upload = forms.FileField(label=_("The document, as a PDF"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, so that it is in the reader's language.
        self.fields["upload"].help_text = _("At most %(limit)s MB.") % {
            "limit": MAX_BYTES // 1024 // 1024
        }
