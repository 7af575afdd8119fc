from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.questionnaires.definition import Definition, Question


class ExclusiveCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes where some options ("none of these", "don't know") exclude the others;
    marked with data-exclusive for assistive hints, enforced on the server in clean()."""

    def __init__(self, *args, exclusive: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exclusive = exclusive

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.exclusive:
            option["attrs"]["data-exclusive"] = "true"
        return option


class AnswerForm(forms.Form):
    """The questionnaire as a form, in the response's language.

    Built from the pinned definition. With `require=False` (saving a draft) no answer is
    required; with `require=True` (submitting) required questions must be answered.
    `revision` detects a page posted from an out-of-date copy (another tab, a back button).
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, definition: Definition, language: str, require: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.language = language
        self.fields["revision"].error_messages["invalid"] = _(
            "This page was altered or out of date. Your answers are kept below: "
            "please check them and save again."
        )
        for question in definition.questions:
            self.fields[question.code] = self._field(question, require and question.required)

    def _field(self, question: Question, required: bool) -> forms.Field:
        label, _fallback = question.text.resolve(self.language)
        help_text = question.help.get(self.language) if question.help else ""
        common = {"label": label, "help_text": help_text, "required": required}
        choices = [(o.code, o.text.get(self.language)) for o in question.options]
        if question.is_text:
            field = forms.CharField(
                max_length=question.max_length,
                widget=forms.Textarea(attrs={"rows": 5}),
                strip=True,
                **common,
            )
        elif question.is_multiple:
            exclusive = {o.code for o in question.options if o.exclusive}
            field = forms.MultipleChoiceField(
                choices=choices, widget=ExclusiveCheckboxes(exclusive=exclusive), **common
            )
        else:
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        field.question = question
        field.error_messages["required"] = _("Please answer this question.")
        return field

    def clean(self):
        cleaned = super().clean()
        for question in self.definition.questions:
            value = cleaned.get(question.code)
            if question.is_multiple and value and len(value) > 1:
                exclusive = [o for o in question.options if o.exclusive and o.code in value]
                if exclusive:
                    self.add_error(
                        question.code,
                        _("“%(option)s” cannot be combined with other answers.")
                        % {"option": exclusive[0].text.get(self.language)},
                    )
        return cleaned

    def answers_to_store(self) -> tuple[dict, list[str]]:
        """(valid answers, codes of questions left empty). Fields with errors are left out,
        so the draft keeps its previous value for them rather than losing or corrupting it."""
        answers: dict = {}
        cleared: list[str] = []
        cleaned = getattr(self, "cleaned_data", {})
        for question in self.definition.questions:
            if question.code in self.errors or question.code not in cleaned:
                continue
            value = cleaned[question.code]
            if value in ("", [], None):
                cleared.append(question.code)
            else:
                answers[question.code] = list(value) if question.is_multiple else value
        return answers, cleared

    def sections(self):
        """Bound fields grouped by questionnaire section, for the template."""
        for section in self.definition.sections:
            yield {
                "code": section.code,
                "title": section.title.get(self.language),
                "fields": [self[q.code] for q in section.questions],
            }


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("Resume code"),
        max_length=40,
        help_text=_("The code you were shown when you saved, like 7KQ2-MX9D-4PRA-ZT3E."),
    )


class EmailLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the link to this address once and do not keep it with your answers."),
    )
