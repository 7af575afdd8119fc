from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

# The fields of a named supplier, in the order of the page and of the stored rows.
ROW_FIELDS = ("name", "country", "email", "goods", "region")


class NamedSupplierForm(forms.Form):
    """One row of the supplier's page: a company that supplies it. A row left empty is
    ignored (empty_permitted); a row begun needs a name and a country."""

    name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        error_messages={"required": _("Enter the company's name.")},
    )
    country = LazyTypedChoiceField(
        label=_("Country"),
        choices=[],
        error_messages={"required": _("Choose the country where it works.")},
    )
    email = forms.EmailField(label=_("Contact e-mail (optional)"), required=False)
    goods = forms.CharField(
        label=_("Goods it supplies to you (optional)"),
        max_length=1000,
        required=False,
        help_text=_("Separated by semicolons (;)."),
    )
    region = forms.CharField(
        label=_("Region or province of its site (optional)"), max_length=200, required=False
    )

    def __init__(self, *args, number: int, **kwargs):
        super().__init__(
            *args,
            prefix=f"row-{number}",
            empty_permitted=True,
            use_required_attribute=False,
            **kwargs,
        )
        self.number = number
        # Country names in the language of the request.
        self.fields["country"].choices = [("", "---------"), *countries]

    def raw(self) -> dict:
        """What was typed, unchecked (to show it again when rows are added or removed)."""
        return {name: self[name].value() or "" for name in ROW_FIELDS}

    def row(self) -> dict:
        """The checked row, as stored."""
        data = self.cleaned_data
        return {
            "name": " ".join(data["name"].split()),
            "country": str(data["country"]),
            "email": data["email"].strip(),
            "goods": data["goods"].strip(),
            "region": data["region"].strip(),
        }


class ReviewForm(forms.Form):
    """The buyer's choice of named suppliers to add (`add_<n>`), with an address for each
    new one named without an e-mail (`email_<n>`)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            if row.is_asked_supplier or row.already_linked:
                continue
            self.fields[f"add_{row.number}"] = forms.BooleanField(
                label=_("Add %(name)s") % {"name": row.name}, required=False, initial=True
            )
            if row.is_new and not row.email:
                self.fields[f"email_{row.number}"] = forms.EmailField(
                    label=_("E-mail address of %(name)s") % {"name": row.name}, required=False
                )

    def clean(self):
        data = super().clean()
        chosen = {row.number for row in self.rows if data.get(f"add_{row.number}")}
        for row in self.rows:
            name = f"email_{row.number}"
            if (
                row.number in chosen
                and name in self.fields
                and name not in self.errors
                and not data.get(name)
            ):
                self.add_error(
                    name,
                    _(
                        "Row %(row)s (%(name)s): enter an e-mail address to add this "
                        "supplier to your list, or untick it."
                    )
                    % {"row": row.number, "name": row.name},
                )
        if not chosen:
            raise forms.ValidationError(
                _("Tick at least one supplier to add, or dismiss the list.")
            )
        data["chosen"] = chosen
        return data

    def emails(self) -> dict[int, str]:
        return {
            row.number: self.cleaned_data.get(f"email_{row.number}") or ""
            for row in self.rows
            if f"email_{row.number}" in self.fields
        }
