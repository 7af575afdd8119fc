"""What changed between two versions of a questionnaire, by code.

The same question code in two versions means "comparable": reports can set them side by
side. The diff tells the operator where that no longer holds (changed options or type) and
where only wording changed (and in which languages), and which translations the English
changes left out of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hrdd.questionnaires.definition import DEFAULT_LANGUAGE, Definition, Question, Section
from hrdd.questionnaires.translations import out_of_date, text_slots


@dataclass
class QuestionChange:
    code: str
    text: str  # English text in the newer version
    wording: list[str] = field(default_factory=list)  # languages whose question text changed
    options_added: list[str] = field(default_factory=list)
    options_removed: list[str] = field(default_factory=list)
    options_reworded: list[str] = field(default_factory=list)
    # The file's keys that changed: type, required, show_if, required_if, min, max, integer,
    # unit, max_length, topic, help, risk (of an option or band), special (which options are
    # "don't know"/"prefer not to say", or exclusive), special_answers, rows, bands, section.
    other: list[str] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        """Whether answers to both versions can be counted together."""
        return not (self.options_added or self.options_removed or "type" in self.other)


@dataclass
class SectionChange:
    """A page kept under the same code: its title or its condition changed (a changed
    condition changes who is asked every question on it)."""

    code: str
    title: str  # English title in the newer version
    wording: list[str] = field(default_factory=list)  # languages whose title changed
    other: list[str] = field(default_factory=list)  # show_if


@dataclass
class TextChange:
    """An English text, the reference translators work from, that changed: the translations
    left as they were are out of date until a translator looks at them again."""

    key: str  # as in the translation files: "questions.q01_policy.options.yes"
    old: str
    new: str
    out_of_date: list[str] = field(default_factory=list)  # languages left as they were
    updated: list[str] = field(default_factory=list)  # languages translated with the change


@dataclass
class Diff:
    added: list[Question] = field(default_factory=list)
    removed: list[Question] = field(default_factory=list)
    changed: list[QuestionChange] = field(default_factory=list)
    languages_added: list[str] = field(default_factory=list)
    languages_removed: list[str] = field(default_factory=list)
    sections_added: list[Section] = field(default_factory=list)
    sections_removed: list[Section] = field(default_factory=list)
    sections_changed: list[SectionChange] = field(default_factory=list)
    texts_changed: list[TextChange] = field(default_factory=list)

    @property
    def out_of_date_counts(self) -> dict[str, int]:
        """Language -> how many of its translations the English changes left out of date."""
        counts: dict[str, int] = {}
        for change in self.texts_changed:
            for language in change.out_of_date:
                counts[language] = counts.get(language, 0) + 1
        return counts

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.languages_added
            or self.languages_removed
            or self.sections_added
            or self.sections_removed
            or self.sections_changed
            or self.texts_changed
        )


def _changed_languages(old, new) -> list[str]:
    if old is None and new is None:
        return []
    a = old.values if old else {}
    b = new.values if new else {}
    return sorted(lang for lang in set(a) | set(b) if a.get(lang) != b.get(lang))


def _compare(old: Question, new: Question) -> QuestionChange | None:
    change = QuestionChange(code=new.code, text=new.text.get("en"))
    change.wording = _changed_languages(old.text, new.text)
    if _changed_languages(old.help, new.help):
        change.other.append("help")
    old_options = {o.code: o for o in old.options}
    new_options = {o.code: o for o in new.options}
    change.options_added = [c for c in new_options if c not in old_options]
    change.options_removed = [c for c in old_options if c not in new_options]
    change.options_reworded = [
        c
        for c in new_options
        if c in old_options and old_options[c].text.values != new_options[c].text.values
    ]
    kept = [c for c in new_options if c in old_options]
    old_bands = {b.code: b for b in old.bands}
    if any(
        (old_options[c].risk, old_options[c].indicators)
        != (new_options[c].risk, new_options[c].indicators)
        for c in kept
    ) or any(
        (old_bands[b.code].risk, old_bands[b.code].indicators) != (b.risk, b.indicators)
        for b in new.bands
        if b.code in old_bands
    ):
        change.other.append("risk")
    for attr in ("type", "required", "show_if", "required_if", "min", "max", "integer"):
        if getattr(old, attr) != getattr(new, attr):
            change.other.append(attr)
    if _changed_languages(old.unit, new.unit):
        change.other.append("unit")
    if old.max_length != new.max_length and (old.is_text or new.is_text):
        change.other.append("max_length")
    if old.topic != new.topic or any(old_options[c].topics != new_options[c].topics for c in kept):
        change.other.append("topic")
    if any(
        (old_options[c].special, old_options[c].exclusive)
        != (new_options[c].special, new_options[c].exclusive)
        for c in kept
    ):
        change.other.append("special")
    if [(a.code, a.text.values) for a in old.special_answers] != [
        (a.code, a.text.values) for a in new.special_answers
    ]:
        change.other.append("special_answers")
    if [(r.code, r.text.values) for r in old.rows] != [(r.code, r.text.values) for r in new.rows]:
        change.other.append("rows")
    if [(b.code, b.min, b.max, b.text.values) for b in old.bands] != [
        (b.code, b.min, b.max, b.text.values) for b in new.bands
    ]:
        change.other.append("bands")
    if old.section != new.section:
        change.other.append("section")
    if (
        change.wording
        or change.options_added
        or change.options_removed
        or change.options_reworded
        or change.other
    ):
        return change
    return None


def diff_definitions(old: Definition, new: Definition) -> Diff:
    old_questions = {q.code: q for q in old.questions}
    new_questions = {q.code: q for q in new.questions}
    diff = Diff(
        added=[q for code, q in new_questions.items() if code not in old_questions],
        removed=[q for code, q in old_questions.items() if code not in new_questions],
        languages_added=[lang for lang in new.languages if lang not in old.languages],
        languages_removed=[lang for lang in old.languages if lang not in new.languages],
    )
    for code, question in new_questions.items():
        if code in old_questions:
            change = _compare(old_questions[code], question)
            if change:
                diff.changed.append(change)
    old_sections = {s.code: s for s in old.sections}
    new_sections = {s.code: s for s in new.sections}
    diff.sections_added = [s for code, s in new_sections.items() if code not in old_sections]
    diff.sections_removed = [s for code, s in old_sections.items() if code not in new_sections]
    for code, section in new_sections.items():
        if code not in old_sections:
            continue
        change = SectionChange(code=code, title=section.title.get("en"))
        change.wording = _changed_languages(old_sections[code].title, section.title)
        if old_sections[code].show_if != section.show_if:
            change.other.append("show_if")
        if change.wording or change.other:
            diff.sections_changed.append(change)
    diff.texts_changed = _texts_changed(old, new)
    return diff


def _texts_changed(old: Definition, new: Definition) -> list[TextChange]:
    """Every text kept under the same key whose English changed, in reading order, with the
    languages whose translation stayed as it was (out of date) or changed with it."""
    old_slots = dict(text_slots(old.raw))
    translated = [lang for lang in new.languages if lang != DEFAULT_LANGUAGE]
    stale = {lang: out_of_date([old.raw, new.raw], lang) for lang in translated}
    changes = []
    for key, text in text_slots(new.raw):
        before = old_slots.get(key, {}).get(DEFAULT_LANGUAGE)
        after = text.get(DEFAULT_LANGUAGE)
        if key not in old_slots or before == after:
            continue
        change = TextChange(key=key, old=before or "", new=after or "")
        for lang in translated:
            if key in stale[lang]:
                change.out_of_date.append(lang)
            elif text.get(lang):
                change.updated.append(lang)
        changes.append(change)
    return changes
