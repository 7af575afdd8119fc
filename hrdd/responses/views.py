"""The supplier side: no account, usable without JavaScript, every GET free of side effects."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hrdd.campaigns.models import Campaign
from hrdd.core.tokens import format_code
from hrdd.responses import services
from hrdd.responses.forms import AnswerForm, EmailLinkForm, ResumeForm
from hrdd.responses.models import Response
from hrdd.responses.selectors import answers_for_receipt, get_campaign_by_slug


def _language(campaign: Campaign) -> str:
    """The questionnaire language: the one the supplier picked, if the campaign offers it."""
    active = get_language() or settings.LANGUAGE_CODE
    return active if active in campaign.languages else campaign.languages[0]


def _not_open(request, campaign: Campaign):
    state = campaign.state()
    return render(
        request,
        "responses/not_open.html",
        {"campaign": campaign, "state": state},
        status=410 if state == Campaign.State.CLOSED else 200,
    )


def _get_response(campaign: Campaign, code: str) -> Response:
    response = services.response_find(campaign=campaign, code=code)
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
    if request.method == "POST":
        if request.POST.get("action") == "resume":
            resume_form = ResumeForm(request.POST)
            if resume_form.is_valid():
                code = format_code(resume_form.cleaned_data["code"])
                if services.response_find(campaign=campaign, code=code):
                    return redirect(_answer_url(campaign, code))
                resume_form.add_error(
                    "code", _("No saved answers match this code. Please check it and try again.")
                )
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
        },
    )


@never_cache
def answer(request, slug, code):
    """The questionnaire. POST with action=save keeps a draft; action=submit submits."""
    campaign = get_campaign_by_slug(slug)
    if not campaign.is_open:
        return _not_open(request, campaign)
    response = _get_response(campaign, code)
    if response.is_submitted:
        return redirect("responses:receipt", slug=slug, code=code)
    definition = campaign.questionnaire_version.parsed
    language = _language(campaign)
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        form = AnswerForm(
            request.POST, definition=definition, language=language, require=submitting
        )
        valid = form.is_valid()
        answers, cleared = form.answers_to_store()
        try:
            response = services.response_save_draft(
                response=response, answers=answers, cleared=cleared
            )
        except ValidationError as exc:
            if exc.code == "submitted":
                return redirect("responses:receipt", slug=slug, code=code)
            return _not_open(request, campaign)
        stale = "revision" not in form.errors and form.cleaned_data.get("revision") not in (
            None,
            response.revision - 1,
        )
        if valid and submitting:
            try:
                services.response_submit(response=response)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("responses:receipt", slug=slug, code=code)
        elif valid:
            messages.success(
                request,
                _("Your answers are saved. You can come back with your resume link or code."),
            )
            return redirect(_answer_url(campaign, code) + "#top")
        # Invalid: show the page again with everything the supplier typed, and the errors.
        form.data = form.data.copy()
        form.data["revision"] = response.revision
        if stale:
            messages.warning(
                request,
                _("These answers were also changed in another window; what you sent last is kept."),
            )
        status = 422
    else:
        initial = {"revision": response.revision, **response.draft}
        form = AnswerForm(initial=initial, definition=definition, language=language, require=False)
        status = 200
    return render(
        request,
        "responses/answer.html",
        {
            "campaign": campaign,
            "title": definition.title.get(language),
            "form": form,
            "code": code,
            "resume_url": settings.SITE_URL + _answer_url(campaign, code),
            "started": request.GET.get("started") == "1",
            "email_form": EmailLinkForm(),
            "language": language,
        },
        status=status,
    )


@require_POST
def email_link(request, slug, code):
    """Send the resume link to an address the supplier gives; nothing else changes."""
    campaign = get_campaign_by_slug(slug)
    if not campaign.is_open:
        return _not_open(request, campaign)
    response = _get_response(campaign, code)
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
    campaign = get_campaign_by_slug(slug)
    response = _get_response(campaign, code)
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
