from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hrdd.suppliers.imports import MAX_BYTES, MAX_ROWS
from hrdd.suppliers.models import Supplier


class SupplierForm(forms.ModelForm):
    """One supplier, added or changed by hand; the service checks the e-mail is new."""

    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        initial="en",
        help_text=_("The language of the e-mails and of the questionnaire, where offered."),
    )

    class Meta:
        model = Supplier
        fields = ["name", "country", "industry", "size_band", "contact_name", "email", "language"]


class SupplierSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or e-mail"), required=False, max_length=200)


class SupplierFileForm(forms.Form):
    file = forms.FileField(
        label=_("Supplier file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in here, in the language of the request.
        self.fields["file"].help_text = _(
            "A CSV file or an Excel workbook (.xlsx), one supplier per row, at most "
            "%(rows)s rows and %(size)s MB."
        ) % {"rows": f"{MAX_ROWS:,}", "size": MAX_BYTES // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files."),
                params={"size": MAX_BYTES // (1024 * 1024)},
            )
        return upload
