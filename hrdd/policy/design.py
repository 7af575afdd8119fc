"""What a questionnaire's release measures, and how loud each measurement must be.

The unit of privacy is one answer together with the answers it makes appear or disappear
(conditional questions): a question and the follow-ups whose visibility it decides form a
family, and each member's noise is calibrated so that the whole family spends at most the
budget (docs/privacy.md, "The guarantee").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django_countries import countries

from hrdd.questionnaires.conditions import referenced_questions
from hrdd.questionnaires.definition import COUNTRY, DATE, Definition, Question
from hrdd.responses.models import RISK_SIGNAL_OPTION, RISK_SIGNAL_PREFIX

NO_ANSWER = "_none"
VALUE = "_value"  # a date or an unbanded number given (its value is never shown)
# Answer rows that mark a response with a risk signal on a topic: written when a response
# is submitted (responses.services.answer_rows), counted like answers, measured together.
RISK_PREFIX = RISK_SIGNAL_PREFIX
RISK_MARK = RISK_SIGNAL_OPTION


@cache
def _country_codes() -> tuple[str, ...]:
    return tuple(code for code, _name in countries)


def counts_values_only(question: Question) -> bool:
    """Dates and numbers without bands: exact values identify, so only how many gave one
    (and each special answer) is counted."""
    return question.type == DATE or (question.is_numeric and not question.bands)


def vectors_of(question: Question) -> dict[str, tuple[str, ...]]:
    """The count vectors measured for a question: key -> cell codes. The cells never depend
    on the answers (a country nobody named is measured as a zero with noise), so that which
    cells exist tells nothing."""
    code = question.code
    specials = tuple(a.code for a in question.special_answers)
    if question.is_text:
        return {}
    if counts_values_only(question):
        return {code: (VALUE, *specials, NO_ANSWER)}
    if question.is_grid:
        return {f"{code}.{row.code}": (*question.option_codes, NO_ANSWER) for row in question.rows}
    if question.is_numeric:
        return {code: (*(b.code for b in question.bands), *specials, NO_ANSWER)}
    if question.type == COUNTRY:
        return {code: (*_country_codes(), *specials, NO_ANSWER)}
    return {code: (*question.option_codes, NO_ANSWER)}


def sensitivity(question: Question) -> int:
    """How much one answer to the question can move its vectors together (L1 distance).

    In a partition (one answer per respondent, "no answer" included) a changed answer takes
    one from a cell and adds one to another: 2 per partition. In a multiple-choice question
    any option may flip, and "no answer" with them.
    """
    if question.is_text:
        return 0
    if question.is_multiple:
        return len(question.options) + 1
    return 2 * len(vectors_of(question))


@dataclass(frozen=True)
class Design:
    """What a questionnaire's release measures and how loud each measurement must be.

    `weight[x]` is the L1 sensitivity a question's noise is calibrated to: its own
    sensitivity times the number of measured questions in the largest family it belongs to
    (an answer and the follow-ups whose presence it decides), so that each member spends an
    equal part and one answer's whole family at most the budget share.
    `indicator_sensitivity` is how many topics' risk indicators one family can move.
    """

    definition: Definition
    weight: dict[str, int]
    topics: tuple[str, ...]
    indicator_sensitivity: int

    @property
    def questions(self) -> list[Question]:
        return [q for q in self.definition.questions if not q.is_text]


def _direct_dependants(definition: Definition) -> dict[str, set[str]]:
    """question code -> codes of the questions whose visibility it decides directly
    (question conditions and section conditions)."""
    direct: dict[str, set[str]] = {}
    for section in definition.sections:
        section_refs = referenced_questions(section.show_if) if section.show_if else []
        for question in section.questions:
            refs = list(section_refs)
            if question.show_if:
                refs += referenced_questions(question.show_if)
            for ref in refs:
                direct.setdefault(ref.split(".")[0], set()).add(question.code)
    return direct


def dependants(definition: Definition) -> dict[str, set[str]]:
    """question code -> codes of the questions whose visibility depends on it, transitively
    (question conditions and section conditions)."""
    direct = _direct_dependants(definition)
    out: dict[str, set[str]] = {}
    for question in definition.questions:
        seen: set[str] = set()
        todo = list(direct.get(question.code, ()))
        while todo:
            code = todo.pop()
            if code not in seen and code != question.code:
                seen.add(code)
                todo.extend(direct.get(code, ()))
        out[question.code] = seen
    return out


def families(definition: Definition) -> dict[str, set[str]]:
    """question code -> the measured members of its family: the question (unless free text)
    and the measured follow-ups whose visibility it decides."""
    by_code = {q.code: q for q in definition.questions}
    below = dependants(definition)
    return {code: {m for m in (code, *below[code]) if not by_code[m].is_text} for code in by_code}


def design_of(definition: Definition) -> Design:
    """The Design of a questionnaire version: each question's weight and the risk topics."""
    by_code = {q.code: q for q in definition.questions}
    family_of = families(definition)
    weight = {}
    for code, question in by_code.items():
        # Every measured member of a family gets an equal share of the budget (whatever its
        # own sensitivity): a yes/no question that opens a grid keeps half, not a quarter.
        # A question in several families takes the smallest share any of them allows.
        largest = max((len(f) for f in family_of.values() if code in f), default=1)
        weight[code] = sensitivity(question) * largest
    indicator = 0
    for family in family_of.values():
        # A question's risky answers move its own topic's indicator (signalled_topics).
        touched = {by_code[m].topic for m in family if by_code[m].risk_signals}
        indicator = max(indicator, len(touched))
    topics = tuple(
        t
        for t in definition.topics
        if any(q.topic == t and q.risk_signals for q in by_code.values())
    )
    return Design(
        definition=definition, weight=weight, topics=topics, indicator_sensitivity=indicator
    )
