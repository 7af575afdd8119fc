"""One page (section) of the questionnaire as a supplier sees it: built to be shown (the
supplier's page and the operator's preview build it the same way) and saved (`page_save`).

The views decide which page is asked for and answer with a redirect or the page; what a page
holds and what saving it comes to are decided here, once.
"""

import enum
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import QueryDict

from hrdd.questionnaires import conditions
from hrdd.questionnaires.definition import Definition, Section
from hrdd.responses import services
from hrdd.responses.forms import AnswerForm, DisclosureForm, initial_from_draft
from hrdd.responses.models import Response
from hrdd.responses.validation import missing_required


@dataclass
class Page:
    """A page ready for the template (responses/_questions.html and the page around it),
    built from `answers` (the response's saved answers; none in the preview)."""

    form: AnswerForm
    items: list[dict]
    section: Section
    number: int
    count: int
    language: str
    answers: dict

    def context(self) -> dict:
        return {
            "form": self.form,
            "items": self.items,
            "section_title": self.section.title.get(self.language),
            "page": self.number,
            "page_count": self.count,
            "is_last": self.number >= self.count,
        }


class Result(enum.Enum):
    """What saving a page came to."""

    SUBMITTED = "submitted"  # the response is submitted (now, or before): the receipt
    CLOSED = "closed"  # the campaign no longer takes answers: nothing saved
    SAVED = "saved"  # the page's answers are kept; stay on page `number` ("Save")
    MOVED = "moved"  # the page's answers are kept; go to page `number` (Back, Next)
    # The page's answers are kept but the response is not submitted: a required question
    # is open, `question` on page `number`.
    INCOMPLETE = "incomplete"
    INVALID = "invalid"  # what was valid is kept; `page` again, with the errors
    # Nothing saved: the page's answers were changed elsewhere since it was shown; `page`
    # again with what was typed here, ready to be saved over them.
    CONFLICT = "conflict"


@dataclass
class PageOutcome:
    """What saving a page came to, where the supplier goes (page `number`), and the page to
    show again (INVALID, CONFLICT)."""

    result: Result
    number: int = 0
    question: str = ""
    page: Page | None = None


def consent_form(data: QueryDict | None, *, campaign, initial: dict) -> DisclosureForm:
    """What a supplier agrees to before answering a disclosed campaign (its name, its site's
    country, consent to the buyer seeing its answers with its name), for the response URL's
    first page and for a personal link's landing page alike."""
    return DisclosureForm(data, buyer=campaign.organisation.name, initial=initial)


def page_sections(definition: Definition, draft: dict) -> list[Section]:
    """The pages a supplier with these answers goes through (hidden sections left out)."""
    return conditions.visible_sections(definition, draft)


def page_show(
    *, response: Response, section: Section, number: int, count: int, language: str
) -> Page:
    """Page `number` of `count` (`section`) with the response's saved answers filled in."""
    definition = response.campaign.questionnaire_version.parsed
    form = AnswerForm(
        initial={
            "revision": response.revision,
            "page_state": services.page_state(response.draft, [q.code for q in section.questions]),
            **initial_from_draft(response.draft, section.questions),
        },
        definition=definition,
        questions=section.questions,
        language=language,
    )
    items = list(form.items(response.draft))
    return Page(form, items, section, number, count, language, response.draft)


def page_preview(*, definition: Definition, number: int, language: str) -> Page:
    """Page `number` of the questionnaire (every section counts, whatever the answers), as
    the operator previews it: nothing answered, every question in the page (its condition
    a hint). `number` out of range shows the nearest page."""
    sections = list(definition.sections)
    number = min(max(number, 1), len(sections))
    section = sections[number - 1]
    form = AnswerForm(
        initial={"revision": 0},
        definition=definition,
        questions=section.questions,
        language=language,
    )
    items = list(form.items({}, preview=True))
    return Page(form, items, section, number, len(sections), language, {})


def page_save(
    *, response: Response, section: Section, number: int, data: QueryDict, language: str
) -> PageOutcome:
    """Save page `number` (`section`) of the response as posted, and move on as its action
    asks: "save" keeps the draft and stays; "back" and "next" keep the draft and move (next
    first checks this page's required questions); "submit", and "next" on what is the last
    page, check everything and submit. Whatever happens, valid answers are saved first.
    """
    definition = response.campaign.questionnaire_version.parsed
    action = data.get("action", "save")
    form = AnswerForm(data, definition=definition, questions=section.questions, language=language)
    form.is_valid()
    answers, cleared = form.page_answers()
    codes = [q.code for q in section.questions]
    conflict = False
    try:
        response = services.response_save_draft(
            response=response,
            answers=answers,
            cleared=cleared,
            language=language,
            # Submit: saved and submitted in one transaction when nothing is missing;
            # otherwise saved, and the checks below say what is missing.
            submit=action == "submit" and not form.errors,
            page=(codes, form.cleaned_data.get("page_state", "")),
        )
    except ValidationError as exc:
        if exc.code == "submitted":
            return PageOutcome(Result.SUBMITTED)
        if exc.code != "conflict":
            return PageOutcome(Result.CLOSED)
        # Saved meanwhile from another tab or device: what was typed here is shown again,
        # unsaved, with the current state, so that saving again is the supplier's decision.
        response.refresh_from_db(fields=["draft", "revision"])
        conflict = True
    if response.is_submitted:
        return PageOutcome(Result.SUBMITTED)
    if action in {"next", "submit"} and not conflict:
        form.check_required(response.draft)
    sections = page_sections(definition, response.draft)
    # The page's number once its answers are saved: they may show or hide earlier pages.
    index = next((i for i, s in enumerate(sections, 1) if s.code == section.code), number)
    if conflict or form.errors:
        form.data = form.data.copy()
        form.data["revision"] = response.revision
        form.data["page_state"] = services.page_state(response.draft, codes)
        items = list(form.items(response.draft))
        page = Page(form, items, section, index, len(sections), language, response.draft)
        return PageOutcome(Result.CONFLICT if conflict else Result.INVALID, index, page=page)
    if action == "back":
        return PageOutcome(Result.MOVED, max(1, index - 1))
    if action == "next" and index < len(sections):
        return PageOutcome(Result.MOVED, index + 1)
    if action in {"submit", "next"}:
        try:
            services.response_submit(response=response)
        except ValidationError as exc:
            if exc.code == "closed":  # it closed while the supplier was answering
                return PageOutcome(Result.CLOSED)
            if exc.code != "incomplete":
                raise
            first = missing_required(definition, response.draft)[0]
            return PageOutcome(
                Result.INCOMPLETE, _page_of(definition, response.draft, first.code), first.code
            )
        return PageOutcome(Result.SUBMITTED)
    return PageOutcome(Result.SAVED, index)


def _page_of(definition: Definition, answers: dict, question_code: str) -> int:
    for number, section in enumerate(page_sections(definition, answers), start=1):
        if any(q.code == question_code for q in section.questions):
            return number
    return 1
