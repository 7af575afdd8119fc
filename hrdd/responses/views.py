"""The supplier side: no account, usable without JavaScript, every GET free of side effects."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hrdd.campaigns.models import Campaign
from hrdd.core.tokens import format_code
from hrdd.questionnaires import conditions
from hrdd.responses import services
from hrdd.responses.forms import (
    AnswerForm,
    DisclosureForm,
    EmailLinkForm,
    ResumeForm,
    initial_from_draft,
)
from hrdd.responses.models import Response
from hrdd.responses.selectors import (
    answers_for_receipt,
    campaign_and_response,
    get_campaign_by_slug,
    resume_page,
)


def _language(campaign: Campaign) -> str:
    """The questionnaire language: the one the supplier picked, if the campaign offers it."""
    active = get_language() or settings.LANGUAGE_CODE
    return active if active in campaign.languages else campaign.languages[0]


def _language_notice(request, campaign: Campaign, shown: str) -> dict | None:
    """{"wanted", "shown"} when the supplier asked for a language the questionnaire is not
    shown in, so that the page says so instead of switching silently.

    What it asked for: its choice on the site (the language cookie), else its browser's
    first preference, whether or not the platform has that language at all ("fr"). Regional
    variants count as their language ("vi-VN" is Vietnamese).
    """
    wanted = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if not wanted:
        preferences = parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        wanted = next((code for code, _quality in preferences if code != "*"), "")
    wanted = wanted.lower()
    if not wanted or wanted == shown or wanted.split("-")[0] == shown.split("-")[0]:
        return None
    return {"wanted": wanted, "shown": shown}


def _not_open(request, campaign: Campaign):
    state = campaign.state()
    return render(
        request,
        "responses/not_open.html",
        {"campaign": campaign, "state": state},
        status=410 if state == Campaign.State.CLOSED else 200,
    )


def _found(response: Response | None) -> Response:
    if response is None:
        raise Http404(_("This resume link or code is not valid."))
    return response


def _answer_url(campaign: Campaign, code: str) -> str:
    return reverse("responses:answer", kwargs={"slug": campaign.public_slug, "code": code})


@never_cache
def landing(request, slug):
    """What this is, who asks, who will see what; language choice; start or resume."""
    campaign = get_campaign_by_slug(slug)
    if not campaign.is_open:
        return _not_open(request, campaign)
    resume_form = ResumeForm()
    buyer = campaign.organisation.name
    # Personal links only: no new response here, but a saved one can still be resumed.
    links_only = campaign.uses_personal_links
    disclosure_form = (
        DisclosureForm(buyer=buyer) if campaign.is_disclosed and not links_only else None
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if links_only and action != "resume":
            status = 403
        elif action == "resume":
            resume_form = ResumeForm(request.POST)
            if resume_form.is_valid():
                code = format_code(resume_form.cleaned_data["code"])
                if services.response_find(campaign=campaign, code=code):
                    return redirect(_answer_url(campaign, code))
                resume_form.add_error(
                    "code", _("No saved answers match this code. Please check it and try again.")
                )
        elif action == "decline" and campaign.is_disclosed:
            return render(request, "responses/declined.html", {"campaign": campaign})
        elif campaign.is_disclosed:
            disclosure_form = DisclosureForm(request.POST, buyer=buyer)
            if disclosure_form.is_valid():
                _response, code = services.response_start(
                    campaign=campaign,
                    language=_language(campaign),
                    supplier_name=disclosure_form.cleaned_data["supplier_name"],
                    supplier_country=disclosure_form.cleaned_data["supplier_country"],
                    consent=True,
                )
                return redirect(_answer_url(campaign, code) + "?started=1")
            status = 422
        else:
            _response, code = services.response_start(
                campaign=campaign, language=_language(campaign)
            )
            return redirect(_answer_url(campaign, code) + "?started=1")
    definition = campaign.questionnaire_version.parsed
    language = _language(campaign)
    return render(
        request,
        "responses/landing.html",
        {
            "campaign": campaign,
            "title": definition.title.get(language),
            "description": definition.description.get(language) if definition.description else "",
            "question_count": len(definition.questions),
            "resume_form": resume_form,
            "disclosure_form": disclosure_form,
            "links_only": links_only,
            "language_notice": _language_notice(request, campaign, language),
        },
        status=status,
    )


def _page_url(campaign: Campaign, code: str, page: int) -> str:
    """A page by its number, page 1 included: the bare answer URL is the way in, which
    takes a returning supplier to where it stopped (`resume_page`)."""
    return reverse(
        "responses:answer_page", kwargs={"slug": campaign.public_slug, "code": code, "page": page}
    )


def _page_of(definition, answers: dict, question_code: str) -> int:
    pages = conditions.visible_sections(definition, answers)
    for number, section in enumerate(pages, start=1):
        if any(q.code == question_code for q in section.questions):
            return number
    return 1


@never_cache
def answer(request, slug, code, page=None):
    """One page (section) of the questionnaire.

    POST actions: "save" keeps the draft and stays; "back" and "next" keep the draft and
    move (next first checks this page's required questions); "submit", on the last page,
    checks everything and submits. Whatever happens, valid answers are saved first.
    Opened without a page number (from the resume code, the e-mailed link or the personal
    link), it continues where the supplier stopped.
    """
    campaign, response = campaign_and_response(slug, code)
    if not campaign.is_open:
        return _not_open(request, campaign)
    response = _found(response)
    if response.is_submitted:
        return redirect("responses:receipt", slug=slug, code=code)
    version = campaign.questionnaire_version
    definition = version.parsed
    language = _language(campaign)
    pages = conditions.visible_sections(definition, response.draft)
    if page is None:
        page = 1
        if request.method == "GET":
            target = resume_page(definition, response.draft)
            if target > 1:
                return redirect(_page_url(campaign, code, target))
    if not 1 <= page <= len(pages):
        return redirect(_page_url(campaign, code, min(max(page, 1), len(pages))))
    section = pages[page - 1]
    status = 200
    conflict = False
    if request.method == "POST":
        action = request.POST.get("action", "save")
        form = AnswerForm(
            request.POST, definition=definition, questions=section.questions, language=language
        )
        form.is_valid()
        answers, cleared = form.page_answers()
        page_codes = [q.code for q in section.questions]
        try:
            response = services.response_save_draft(
                response=response,
                answers=answers,
                cleared=cleared,
                language=language,
                # Submit: saved and submitted in one transaction when nothing is missing;
                # otherwise saved, and the checks below say what is missing.
                submit=action == "submit" and not form.errors,
                page=(page_codes, form.cleaned_data.get("page_state", "")),
            )
        except ValidationError as exc:
            if exc.code == "submitted":
                return redirect("responses:receipt", slug=slug, code=code)
            if exc.code != "conflict":
                return _not_open(request, campaign)
            # Saved meanwhile from another tab or device: show what was typed here, unsaved,
            # with the current state, so that saving again is the supplier's decision.
            response.refresh_from_db(fields=["draft", "revision"])
            form.data = form.data.copy()
            form.data["revision"] = response.revision
            form.data["page_state"] = services.page_state(response.draft, page_codes)
            conflict = True
        if response.is_submitted:
            return redirect("responses:receipt", slug=slug, code=code)
        if action in {"next", "submit"} and not conflict:
            form.check_required(response.draft)
        pages = conditions.visible_sections(definition, response.draft)
        index = next((i for i, s in enumerate(pages, 1) if s.code == section.code), page)
        if not form.errors and not conflict:
            if action == "back":
                return redirect(_page_url(campaign, code, max(1, index - 1)))
            if action == "next" and index < len(pages):
                return redirect(_page_url(campaign, code, index + 1))
            if action == "submit" or action == "next":
                try:
                    services.response_submit(response=response)
                except ValidationError as exc:
                    if exc.code == "closed":  # it closed while the supplier was answering
                        return _not_open(request, campaign)
                    if exc.code != "incomplete":
                        raise
                    first = services.missing_required(definition, response.draft)[0]
                    messages.error(
                        request,
                        _("Some required questions are not answered yet. Please answer them."),
                    )
                    target = _page_of(definition, response.draft, first.code)
                    return redirect(_page_url(campaign, code, target) + f"#field-{first.code}")
                return redirect("responses:receipt", slug=slug, code=code)
            messages.success(
                request,
                _("Your answers are saved. You can come back with your resume link or code."),
            )
            return redirect(_page_url(campaign, code, index))
        # Errors: show the page again with everything the supplier typed, and the errors.
        if conflict:
            messages.error(
                request,
                _(
                    "These answers were changed in another tab or window after this page "
                    "was opened, so nothing on this page was saved. Below is what you "
                    "entered here: save this page again to keep it, or open the page again "
                    "to see the answers saved elsewhere."
                ),
            )
            status = 409
        else:
            form.data = form.data.copy()
            form.data["revision"] = response.revision
            form.data["page_state"] = services.page_state(response.draft, page_codes)
            status = 422
        page = index
    else:
        form = AnswerForm(
            initial={
                "revision": response.revision,
                "page_state": services.page_state(
                    response.draft, [q.code for q in section.questions]
                ),
                **initial_from_draft(response.draft, section.questions),
            },
            definition=definition,
            questions=section.questions,
            language=language,
        )
    answers = response.draft
    items = list(form.items(answers))
    same_page = {q.code for q in section.questions}
    for item in items:
        refs = set()
        if item["question"].show_if:
            refs = {
                r.split(".")[0] for r in conditions.referenced_questions(item["question"].show_if)
            }
        # Depends on this page: always in the page (the script hides it; without a script a
        # hint says when to answer). Depends on earlier pages only: decided here.
        item["render"] = item["shown"] or bool(refs & same_page)
        item["hint"] = (
            conditions.describe(item["question"].show_if, definition, language)
            if refs & same_page
            else ""
        )
    return render(
        request,
        "responses/answer.html",
        {
            "campaign": campaign,
            "title": definition.title.get(language),
            "form": form,
            "items": items,
            "section_title": section.title.get(language),
            "page": page,
            "page_count": len(pages),
            "is_last": page >= len(pages),
            "code": code,
            "resume_url": settings.SITE_URL + _answer_url(campaign, code),
            "started": request.GET.get("started") == "1",
            "email_form": EmailLinkForm(),
            "language": language,
            "draft_translation": version.is_draft_translation(language),
            "answers_json": json.dumps(answers),
            "conflict_url": _page_url(campaign, code, page) if conflict else "",
            "language_notice": _language_notice(request, campaign, language),
        },
        status=status,
    )


@require_POST
def email_link(request, slug, code):
    """Send the resume link to an address the supplier gives; nothing else changes."""
    campaign, response = campaign_and_response(slug, code)
    if not campaign.is_open:
        return _not_open(request, campaign)
    response = _found(response)
    form = EmailLinkForm(request.POST)
    if form.is_valid():
        services.response_email_resume_link(
            response=response,
            code=code,
            email=form.cleaned_data["email"],
            language=_language(campaign),
        )
        messages.success(request, _("We have sent the link. It may take a minute to arrive."))
    else:
        messages.error(
            request,
            _("The link was not sent: %(error)s") % {"error": " ".join(form.errors["email"])},
        )
    return redirect(_answer_url(campaign, code) + "#save")


@never_cache
def receipt(request, slug, code):
    """What was stored and who can see it. Works after close too, for the supplier's records."""
    campaign, response = campaign_and_response(slug, code)
    response = _found(response)
    if not response.is_submitted:
        return redirect(_answer_url(campaign, code))
    definition = campaign.questionnaire_version.parsed
    language = _language(campaign)
    return render(
        request,
        "responses/receipt.html",
        {
            "campaign": campaign,
            "title": definition.title.get(language),
            "response": response,
            "answers": answers_for_receipt(
                response=response, definition=definition, language=language
            ),
        },
    )
