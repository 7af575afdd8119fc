"""The supplier side: no account, usable without JavaScript, every GET free of side effects."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hrdd.campaigns.models import Campaign
from hrdd.core.tokens import format_code
from hrdd.invitations.selectors import shareable_invitations
from hrdd.responses import pages, services
from hrdd.responses.forms import DisclosureForm, EmailLinkForm, ResumeForm, ReuseForm
from hrdd.responses.models import Response
from hrdd.responses.pages import Result
from hrdd.responses.selectors import (
    answer_recipients,
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


def _saved(request, campaign: Campaign, code: str, outcome: pages.PageOutcome):
    """Where a page saved without errors or conflict takes the supplier."""
    result = outcome.result
    if result == Result.SUBMITTED:
        return redirect("responses:receipt", slug=campaign.public_slug, code=code)
    if result == Result.CLOSED:
        return _not_open(request, campaign)
    url = _page_url(campaign, code, outcome.number)
    if result == Result.SAVED:
        messages.success(
            request, _("Your answers are saved. You can come back with your resume link or code.")
        )
    elif result == Result.INCOMPLETE:
        messages.error(
            request, _("Some required questions are not answered yet. Please answer them.")
        )
        url += f"#field-{outcome.question}"
    return redirect(url)


@never_cache
def answer(request, slug, code, page=None):
    """One page (section) of the questionnaire; a POST saves it (pages.page_save says how,
    and where the supplier goes next). Opened without a page number (from the resume code,
    the e-mailed link or the personal link), it continues where the supplier stopped.
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
    sections = pages.page_sections(definition, response.draft)
    if page is None:
        page = 1
        if request.method == "GET":
            target = resume_page(definition, response.draft)
            if target > 1:
                return redirect(_page_url(campaign, code, target))
    if not 1 <= page <= len(sections):
        return redirect(_page_url(campaign, code, min(max(page, 1), len(sections))))
    section = sections[page - 1]
    if request.method == "POST":
        outcome = pages.page_save(
            response=response, section=section, number=page, data=request.POST, language=language
        )
        if outcome.page is None:
            return _saved(request, campaign, code, outcome)
        # Errors, or a conflict: the page again with everything the supplier typed.
        shown, conflict = outcome.page, outcome.result == Result.CONFLICT
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
        status = 409 if conflict else 422
    else:
        shown = pages.page_show(
            response=response, section=section, number=page, count=len(sections), language=language
        )
        conflict, status = False, 200
    return render(
        request,
        "responses/answer.html",
        {
            "campaign": campaign,
            "title": definition.title.get(language),
            **shown.context(),
            "code": code,
            "resume_url": settings.SITE_URL + _answer_url(campaign, code),
            "started": request.GET.get("started") == "1",
            "email_form": EmailLinkForm(),
            "reuse_form": ReuseForm(),
            "language": language,
            "draft_translation": version.is_draft_translation(language),
            "answers_json": json.dumps(shown.answers),
            "conflict_url": _page_url(campaign, code, shown.number) if conflict else "",
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


@require_POST
def reuse(request, slug, code):
    """Fill this draft's unanswered questions with the supplier's earlier answers to the
    same questionnaire, opened by the code of that earlier response."""
    campaign, response = campaign_and_response(slug, code)
    if not campaign.is_open:
        return _not_open(request, campaign)
    response = _found(response)
    if response.is_submitted:
        return redirect("responses:receipt", slug=slug, code=code)
    form = ReuseForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Nothing was copied: %(error)s") % {"error": " ".join(form.errors["source_code"])},
        )
        return redirect(_page_url(campaign, code, 1) + "#reuse")
    try:
        copied = services.response_reuse_answers(
            response=response, code=format_code(form.cleaned_data["source_code"])
        )
    except ValidationError as error:
        messages.error(request, _("Nothing was copied: %(error)s") % {"error": error.messages[0]})
        return redirect(_page_url(campaign, code, 1) + "#reuse")
    if copied:
        messages.success(
            request,
            ngettext(
                "%(count)d answer was copied from your earlier answers. Check each page and "
                "change what is different for this company before you submit.",
                "%(count)d answers were copied from your earlier answers. Check each page and "
                "change what is different for this company before you submit.",
                copied,
            )
            % {"count": copied},
        )
    else:
        messages.warning(
            request,
            _("Nothing was copied: every question those answers cover is already answered here."),
        )
    return redirect(_page_url(campaign, code, 1))


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
            "code": code,
            "recipients": answer_recipients(response=response),
            "share_count": len(shareable_invitations(response=response)),
        },
    )
