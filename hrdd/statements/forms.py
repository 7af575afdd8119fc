from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrdd.statements.frameworks import FRAMEWORKS, sections_of
from hrdd.statements.services import MAX_TEXT


class StatementForm(forms.Form):
    framework = forms.ChoiceField(label=_("Law"))
    year = forms.IntegerField(label=_("Reporting year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [(k, v["name"]) for k, v in FRAMEWORKS.items()]
        self.fields["year"].initial = timezone.localdate().year - 1


class TextsForm(forms.Form):
    """One text box per section of the statement's law."""

    def __init__(self, *args, framework: str, **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections_of(framework):
            self.fields[section["key"]] = forms.CharField(
                label=section["title"],
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=section["guidance"],
            )
