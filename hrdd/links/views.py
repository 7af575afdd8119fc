"""The supplier's side of personal links: no account; GET never changes anything, so a mail
scanner that opens every link uses nothing up."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from hrdd.invitations import selectors as invitation_selectors
from hrdd.invitations import services as invitations
from hrdd.links import services
from hrdd.responses.pages import consent_form


def _activate_supplier_language(request, invitation) -> str | None:
    """The supplier's preferred language, unless it already chose one on the site."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return None
    language = invitation.supplier.language
    if language not in invitation.campaign.languages:
        return None
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def _answer_url(campaign, token: str) -> str:
    return reverse("responses:answer", kwargs={"slug": campaign.public_slug, "code": token})


@never_cache
def invitation(request, token):
    found = invitation_selectors.invitation_for_token(token=token)
    if found is None:
        return render(request, "links/invalid.html", status=404)
    campaign = found.campaign
    chosen = _activate_supplier_language(request, found)
    if not campaign.is_open:
        state = campaign.state()
        page = render(
            request,
            "responses/not_open.html",
            {"campaign": campaign, "state": state},
            status=410 if state == campaign.State.CLOSED else 200,
        )
    else:
        page = _landing(request, found, token)
    if chosen:
        page.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
    return page


def _language(request, campaign) -> str:
    active = translation.get_language() or settings.LANGUAGE_CODE
    return active if active in campaign.languages else campaign.languages[0]


def _landing(request, found, token):
    """Who asks and who will see what; start (or continue) the supplier's own response."""
    campaign = found.campaign
    answer_url = _answer_url(campaign, token)
    form = None
    status = 200
    if found.response is None and campaign.is_disclosed:
        form = consent_form(
            request.POST if request.method == "POST" else None,
            campaign=campaign,
            initial={
                "supplier_name": found.supplier.name,
                "supplier_country": str(found.supplier.country),
            },
        )
    if request.method == "POST":
        if found.response is not None:
            return redirect(answer_url)
        if form is not None and request.POST.get("action") == "decline":
            return render(request, "responses/declined.html", {"campaign": campaign})
        if form is None or form.is_valid():
            services.invitation_start_response(
                invitation=found,
                language=_language(request, campaign),
                consent=form is not None,
                supplier_name=form.cleaned_data["supplier_name"] if form else "",
            )
            return redirect(answer_url + "?started=1")
        status = 422
    definition = campaign.questionnaire_version.parsed
    language = _language(request, campaign)
    return render(
        request,
        "links/landing.html",
        {
            "campaign": campaign,
            "supplier": found.supplier,
            "response": found.response,
            "answer_url": answer_url,
            "receipt_url": reverse(
                "responses:receipt", kwargs={"slug": campaign.public_slug, "code": token}
            ),
            "title": definition.title.get(language),
            "description": definition.description.get(language) if definition.description else "",
            "question_count": len(definition.questions),
            "disclosure_form": form,
        },
        status=status,
    )


@never_cache
def opt_out(request, token):
    supplier_id = invitations.opt_out_supplier_id(token)
    if supplier_id is None:
        return render(request, "links/invalid.html", status=404)
    if request.method == "POST":
        supplier = invitations.supplier_opt_out(supplier_id=supplier_id)
        if supplier is None:
            return render(request, "links/invalid.html", status=404)
        return render(request, "links/opt_out.html", {"done": True, "supplier": supplier})
    return render(request, "links/opt_out.html", {"done": False})
