import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hrdd.questionnaires import conditions
from hrdd.questionnaires.definition import (
    COUNTRY,
    DATE,
    LONG_TEXT,
    MULTIPLE_CHOICE,
    NUMBER,
    PERCENTAGE,
    SHORT_TEXT,
    Definition,
    Question,
)


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


class DateInput(forms.DateInput):
    """The browser's date picker; where a browser shows a text box instead, the placeholder
    gives the one format accepted (ISO 8601), never a day/month order to guess."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", attrs={"placeholder": "YYYY-MM-DD"}, **kwargs)


class LimitedCharField(forms.CharField):
    """Free text with a length limit that is said, not enforced silently.

    A maxlength attribute makes the browser drop whatever is typed or pasted past the limit
    without a word; so there is none, the limit is written under the question, and a longer
    text comes back with a message saying how long it is, kept in the box to be shortened.
    """

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def _localised(text, language: str) -> tuple[str, bool]:
    return text.resolve(language) if text else ("", False)


def grid_field_name(question: Question, row_code: str) -> str:
    return f"{question.code}.{row_code}"


def special_field_name(question: Question) -> str:
    """The checkboxes of a question's special answers ("don't know", ...). A colon cannot
    occur in a code, so the name never meets another question's or a grid row's."""
    return f"{question.code}:special"


class AnswerForm(forms.Form):
    """One page of the questionnaire as a form, in the response's language.

    No field is required by the form itself: which questions are shown and required
    depends on the answers (show_if, required_if), so `check_required` decides it after
    the values are cleaned, with the answers of the earlier pages. `page_state` is the
    fingerprint of this page's stored answers when the page was shown: the save refuses a
    page posted from an out-of-date copy (another tab, a back button) that would silently
    undo newer answers (`services.response_save_draft`). `revision` only has to be a number:
    a tampered one gets a page message.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    page_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, definition: Definition, questions, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.questions = list(questions)
        self.language = language
        self.fallbacks: set[str] = set()
        self.fields["revision"].error_messages["invalid"] = _(
            "This page was altered or out of date. Your answers are kept below: "
            "please check them and save again."
        )
        for question in self.questions:
            if question.is_grid:
                for row in question.rows:
                    label, fallback = _localised(row.text, language)
                    self._note_fallback(grid_field_name(question, row.code), fallback)
                    self.fields[grid_field_name(question, row.code)] = self._choice_field(
                        question, label
                    )
            else:
                self.fields[question.code] = self._field(question)
                if question.special_answers:
                    self.fields[special_field_name(question)] = self._special_field(question)

    def _note_fallback(self, name: str, fallback: bool) -> None:
        if fallback:
            self.fallbacks.add(name)

    def _choices(self, question: Question) -> list[tuple[str, str]]:
        choices = []
        for option in question.options:
            label, fallback = _localised(option.text, self.language)
            self._note_fallback(f"{question.code}:{option.code}", fallback)
            choices.append((option.code, label))
        return choices

    def _choice_field(self, question: Question, label: str) -> forms.Field:
        field = forms.ChoiceField(
            label=label,
            choices=self._choices(question),
            widget=forms.RadioSelect,
            required=False,
        )
        field.question = question
        return field

    def _special_field(self, question: Question) -> forms.Field:
        """A checkbox per special answer, next to the question's own field: a box can be
        unticked without JavaScript (a radio button could not); ticking two is refused."""
        choices = []
        for option in question.special_answers:
            label, fallback = _localised(option.text, self.language)
            self._note_fallback(f"{question.code}:{option.code}", fallback)
            choices.append((option.code, label))
        field = forms.MultipleChoiceField(
            label=_("Or, if you cannot give an answer:"),
            choices=choices,
            widget=ExclusiveCheckboxes(exclusive={code for code, _label in choices}),
            required=False,
        )
        field.question = question
        return field

    def _field(self, question: Question) -> forms.Field:
        label, fallback = _localised(question.text, self.language)
        self._note_fallback(question.code, fallback)
        help_text = _localised(question.help, self.language)[0]
        common = {"label": label, "help_text": help_text, "required": False}
        if question.default is not None:
            # Shown filled in until the supplier saves this page; a stored answer wins.
            default = question.default
            common["initial"] = list(default) if isinstance(default, tuple) else default
        if question.type in {SHORT_TEXT, LONG_TEXT}:
            widget = (
                forms.Textarea(attrs={"rows": 5})
                if question.type == LONG_TEXT
                else forms.TextInput()
            )
            limit = _("At most %(max)s characters.") % {"max": f"{question.max_length:,}"}
            common["help_text"] = f"{help_text} {limit}" if help_text else limit
            field = LimitedCharField(
                max_length=question.max_length,
                widget=widget,
                strip=True,
                error_messages={
                    "max_length": _(
                        "This answer has %(show_value)s characters; at most %(limit_value)s "
                        "fit. Please shorten it: your text is kept below."
                    )
                },
                **common,
            )
        elif question.type == MULTIPLE_CHOICE:
            exclusive = {o.code for o in question.options if o.exclusive}
            field = forms.MultipleChoiceField(
                choices=self._choices(question),
                widget=ExclusiveCheckboxes(exclusive=exclusive),
                **common,
            )
        elif question.type in {NUMBER, PERCENTAGE}:
            unit = _localised(question.unit, self.language)[0] if question.unit else ""
            if question.type == PERCENTAGE:
                unit = "%"
            attrs = {"inputmode": "numeric" if question.integer else "decimal"}
            field = forms.DecimalField(
                min_value=question.min,
                max_value=question.max,
                max_digits=18,
                decimal_places=0 if question.integer else 4,
                widget=forms.TextInput(attrs=attrs),
                **common,
            )
            field.unit = unit
        elif question.type == DATE:
            field = forms.DateField(
                widget=DateInput(),
                error_messages={
                    "invalid": _("Enter a date as YYYY-MM-DD, for example 2026-05-01.")
                },
                **common,
            )
        elif question.type == COUNTRY:
            field = forms.ChoiceField(
                choices=[("", "---------"), *countries], widget=forms.Select, **common
            )
        else:  # single choice, yes/no
            field = forms.ChoiceField(
                choices=self._choices(question), widget=forms.RadioSelect, **common
            )
        field.question = question
        return field

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            value = cleaned.get(question.code)
            if question.is_multiple and value and len(value) > 1:
                exclusive = [o for o in question.options if o.exclusive and o.code in value]
                if exclusive:
                    self.add_error(
                        question.code,
                        _("“%(option)s” cannot be combined with other answers.")
                        % {"option": exclusive[0].text.get(self.language)},
                    )
            if question.special_answers:
                self._clean_special(question, cleaned)
        return cleaned

    def _clean_special(self, question: Question, cleaned: dict) -> None:
        """A special answer stands alone: not two of them, and not next to a value."""
        name = special_field_name(question)
        chosen = cleaned.get(name) or []
        if len(chosen) > 1:
            self.add_error(name, _("Choose only one of these."))
        elif chosen and cleaned.get(question.code) not in ("", None):
            self.add_error(
                question.code,
                _("Give either an answer or “%(option)s”, not both.")
                % {"option": question.special_answer(chosen[0]).text.get(self.language)},
            )

    def page_answers(self) -> tuple[dict, list[str]]:
        """(valid answers on this page, codes of this page's questions left empty).

        Fields with errors are left out, so the draft keeps its previous value for them
        rather than losing or corrupting it.
        """
        answers: dict = {}
        cleared: list[str] = []
        cleaned = getattr(self, "cleaned_data", {})
        for question in self.questions:
            if question.is_grid:
                rows = {}
                for row in question.rows:
                    name = grid_field_name(question, row.code)
                    if name in self.errors or not cleaned.get(name):
                        continue
                    rows[row.code] = cleaned[name]
                if rows:
                    answers[question.code] = rows
                elif not any(
                    grid_field_name(question, r.code) in self.errors for r in question.rows
                ):
                    cleared.append(question.code)
                continue
            if question.code in self.errors or question.code not in cleaned:
                continue
            if question.special_answers:
                name = special_field_name(question)
                if name in self.errors:
                    continue
                if cleaned.get(name):
                    answers[question.code] = cleaned[name][0]  # the special answer's code
                    continue
            value = cleaned[question.code]
            if value in ("", [], None):
                cleared.append(question.code)
            elif question.is_multiple:
                answers[question.code] = list(
                    dict.fromkeys(value)
                )  # a box posted twice counts once
            elif isinstance(value, Decimal):
                answers[question.code] = format(value.normalize(), "f")
            elif question.type == DATE:
                answers[question.code] = value.isoformat()
            else:
                answers[question.code] = value
        return answers, cleared

    def check_required(self, answers: dict) -> None:
        """Flag visible required questions of this page left empty, given all answers."""
        _sections, shown = conditions.visible(self.definition, answers)
        for question in self.questions:
            if question.code not in shown or not conditions.is_required(question, answers):
                continue
            if question.is_grid:
                for row in question.rows:
                    name = grid_field_name(question, row.code)
                    if name not in self.errors and not answers.get(question.code, {}).get(row.code):
                        self.add_error(name, _("Please answer this row."))
            elif question.code not in self.errors and not answers.get(question.code):
                self.add_error(question.code, _("Please answer this question."))

    def _mark_required(self, question: Question, required: bool) -> None:
        """The inputs' `required` attribute (never submission-blocking: the form is
        novalidate), so assistive technology announces it. Not on checkboxes, where it would
        mean that one box must be ticked."""
        names = (
            [grid_field_name(question, r.code) for r in question.rows]
            if question.is_grid
            else [question.code]
        )
        for name in names:
            widget = self.fields[name].widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if required:
                widget.attrs["required"] = True
            else:
                widget.attrs.pop("required", None)

    def items(self, answers: dict, *, preview: bool = False):
        """The page's questions for the template (responses/_questions.html): bound fields,
        condition, fallback marks, and whether and how each is in the page.

        A question shown only if an answer on this same page says so is always in the page:
        the script hides it, and without a script a hint says when to answer it. One that
        depends on earlier pages only is decided here, from `answers`. The operator's
        `preview` has no answers: every question is in the page, each condition a hint.
        """
        _sections, shown = conditions.visible(self.definition, answers)
        same_page = {q.code for q in self.questions}
        for question in self.questions:
            # "Required if" is decided here from the answers saved so far (all a page without
            # JavaScript has); static/js/conditions.js decides it again as the supplier answers.
            required = conditions.is_required(question, answers)
            self._mark_required(question, required)
            item = {
                "question": question,
                "code": question.code,
                "shown": question.code in shown,
                "show_if": json.dumps(question.show_if) if question.show_if else "",
                "required_if": json.dumps(question.required_if) if question.required_if else "",
                "required": required,
                "fallback": question.code in self.fallbacks,
                "options_fallback": any(
                    name.startswith(f"{question.code}:") for name in self.fallbacks
                ),
            }
            refs = set()
            if question.show_if:
                refs = {r.split(".")[0] for r in conditions.referenced_questions(question.show_if)}
            hinted = bool(question.show_if) if preview else bool(refs & same_page)
            item["render"] = preview or item["shown"] or hinted
            item["hint"] = (
                conditions.describe(question.show_if, self.definition, self.language)
                if hinted
                else ""
            )
            if question.is_grid:
                item["title"] = _localised(question.text, self.language)[0]
                item["help"] = _localised(question.help, self.language)[0]
                item["rows"] = [self[grid_field_name(question, r.code)] for r in question.rows]
            else:
                item["field"] = self[question.code]
                if question.special_answers:
                    item["special"] = self[special_field_name(question)]
            yield item


def initial_from_draft(draft: dict, questions) -> dict:
    """Form initial values from a stored draft (grids are spread over their row fields)."""
    initial = {}
    for question in questions:
        value = draft.get(question.code)
        if question.is_grid and isinstance(value, dict):
            for row, option in value.items():
                initial[grid_field_name(question, row)] = option
        elif isinstance(value, str) and question.special_answer(value):
            initial[special_field_name(question)] = [value]
        elif value is not None:
            initial[question.code] = value
    return initial


class DisclosureForm(forms.Form):
    """What a supplier agrees to before answering a disclosed campaign."""

    supplier_name = forms.CharField(label=_("Your company name"), max_length=200)
    supplier_country = forms.ChoiceField(label=_("Country of your site"), required=False)
    consent = forms.BooleanField(
        error_messages={"required": _("Tick the box to agree, or choose not to take part.")}
    )

    def __init__(self, *args, buyer: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Listed when the form is made, so the names are in the supplier's language.
        self.fields["supplier_country"].choices = [("", "---------"), *countries]
        self.fields["consent"].label = _(
            "I agree that %(buyer)s sees my answers together with my company name."
        ) % {"buyer": buyer}


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("Resume code"),
        max_length=40,
        help_text=_("The code you were shown when you saved, like 7KQ2-MX9D-4PRA-ZT3E."),
    )


class ReuseForm(forms.Form):
    source_code = forms.CharField(
        label=_("Code of your earlier answers"),
        max_length=80,
        help_text=_(
            "The resume code shown on the receipt of your earlier answers to this "
            "questionnaire, or the code at the end of that receipt's address."
        ),
    )


class EmailLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the link to this address once and do not keep it with your answers."),
    )
