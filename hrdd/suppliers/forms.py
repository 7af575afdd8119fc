from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from hrdd.suppliers.imports import MAX_BYTES, MAX_ROWS
from hrdd.suppliers.models import MAX_TIER, MigrantShare, Supplier


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
        fields = [
            "name",
            "country",
            "industry",
            "size_band",
            "tier",
            "goods",
            "spend_band",
            "migrant_share",
            "contact_name",
            "email",
            "language",
        ]
        labels = {"industry": _("Sector"), "size_band": _("Workforce")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out, they keep their defaults: a direct supplier, migrant share unknown.
        self.fields["tier"].required = False
        self.fields["migrant_share"].required = False

    def clean_tier(self):
        return self.cleaned_data["tier"] or (self.instance.tier if self.instance.pk else 1)

    def clean_migrant_share(self):
        return self.cleaned_data["migrant_share"] or MigrantShare.UNKNOWN


class SiteForm(forms.Form):
    """A site of a supplier: where the work is done."""

    name = forms.CharField(label=_("Site name"), max_length=200)
    country = LazyTypedChoiceField(label=_("Country"), choices=countries)
    region = forms.CharField(label=_("Region or province"), max_length=200, required=False)
    goods = forms.CharField(
        label=_("Goods"),
        max_length=1000,
        required=False,
        help_text=_("Separated by semicolons (;)."),
    )


class SupplierLinkForm(forms.Form):
    """Another supplier of the list that supplies this one, or that this one supplies."""

    DIRECTIONS = [
        ("supplier", _("supplies this supplier")),
        ("customer", _("is supplied by this supplier")),
    ]
    other = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    direction = forms.ChoiceField(label=_("Link"), choices=DIRECTIONS)

    def __init__(self, *args, supplier: Supplier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Supplier.objects.filter(
            organisation_id=supplier.organisation_id
        ).exclude(pk=supplier.pk)


class SupplierListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or e-mail"), required=False, max_length=200)
    tier = forms.TypedChoiceField(
        label=_("Tier"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All tiers"))] + [(n, str(n)) for n in range(1, MAX_TIER + 1)],
    )


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
