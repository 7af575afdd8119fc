"""The supplier's side of personal links: no account; GET never changes anything, so a mail
scanner that opens every link uses nothing up."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from hrdd.core.supplier_language import supplier_language_activate, supplier_language_remember
from hrdd.invitations import selectors as invitation_selectors
from hrdd.invitations import services as invitations
from hrdd.links import services
from hrdd.responses.pages import consent_form
from hrdd.responses.selectors import campaign_and_response
from hrdd.responses.services import reusable_answers
from hrdd.responses.validation import missing_required


def _answer_url(campaign, token: str) -> str:
    return reverse("responses:answer", kwargs={"slug": campaign.public_slug, "code": token})


@never_cache
def invitation(request, token):
    found = invitation_selectors.invitation_for_token(token=token)
    if found is None:
        return render(request, "links/invalid.html", status=404)
    campaign = found.campaign
    chosen = supplier_language_activate(
        request, found.supplier.language, offered=found.campaign.languages
    )
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
    return supplier_language_remember(page, chosen)


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


class ShareForm(forms.Form):
    invitations = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Send my answers to"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one company.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitations"].choices = choices


def _offers(response, language: str) -> list[dict]:
    """Each buyer the supplier may send these answers to, with exactly what it would get."""
    offers = []
    for invitation in invitation_selectors.shareable_invitations(response=response):
        campaign = invitation.campaign
        definition = campaign.questionnaire_version.parsed
        usable = reusable_answers(source=response, definition=definition)
        offers.append(
            {
                "invitation": invitation,
                "buyer": campaign.organisation.name,
                "campaign": campaign,
                "title": definition.title.get(language),
                "closes_at": campaign.closes_at,
                "copied": len(usable),
                "missing": len(missing_required(definition, usable)),
            }
        )
    return offers


@never_cache
def share(request, slug, code):
    """From the receipt of a disclosed campaign's answers: send the same answers to other
    buyers that asked this supplier (same address) for the same questionnaire, choosing
    each one, after seeing who gets what under which name. GET changes nothing."""
    campaign, response = campaign_and_response(slug, code)
    if response is None:
        raise Http404(_("This resume link or code is not valid."))
    receipt_url = reverse("responses:receipt", kwargs={"slug": slug, "code": code})
    if not response.is_submitted:
        return redirect(receipt_url)
    language = _language(request, campaign)
    offers = _offers(response, language)
    choices = [(o["invitation"].pk, o["buyer"]) for o in offers]
    form = ShareForm(request.POST if request.method == "POST" else None, choices=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            results = services.share_answers(
                response=response, invitation_ids=form.cleaned_data["invitations"]
            )
            sent = [
                inv.campaign.organisation.name for inv, target in results if target.is_submitted
            ]
            waiting = [inv.campaign.organisation.name for inv, t in results if not t.is_submitted]
            if sent:
                messages.success(
                    request,
                    _("Your answers were sent to: %(buyers)s.") % {"buyers": ", ".join(sent)},
                )
            if waiting:
                messages.warning(
                    request,
                    _(
                        "Not sent yet to %(buyers)s: their questionnaire asks more than your "
                        "answers cover. Open it from their invitation e-mail; your answers are "
                        "filled in there, and you finish and submit the rest."
                    )
                    % {"buyers": ", ".join(waiting)},
                )
            return redirect(receipt_url)
        status = 422
    return render(
        request,
        "links/share.html",
        {
            "campaign": campaign,
            "response": response,
            "offers": offers,
            "form": form,
            "receipt_url": receipt_url,
        },
        status=status,
    )
