"""The worker's side (/g/<slug>/: report, receipt; no account, no JavaScript, nothing that
identifies) and the handlers' side (/grievances/<organisation>/: keys, channels, cases)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hrdd.core.access import get_buyer_for_member, get_membership, is_operator, operator_required
from hrdd.grievances import (
    effectiveness,
    poster,
    redflags,
    selectors,
    services,
    statistics,
    unlocking,
)
from hrdd.grievances.forms import (
    CaseForm,
    ChannelForm,
    HelpContactForm,
    PassphraseForm,
    PosterForm,
    ReceiptForm,
    ReportForm,
)
from hrdd.grievances.models import Attachment, Case, HandlerKey, HelpContact, Message
from hrdd.organisations.models import Organisation
from hrdd.remediation.models import Finding
from hrdd.risk.method import TOPICS
from hrdd.risk.selectors import TOPIC_LABELS
from hrdd.suppliers.models import Site

# --- The worker's side -----------------------------------------------------------------------


def _channel_or_404(channel_slug):
    channel = selectors.open_channel(slug=channel_slug)
    if channel is None:
        raise Http404
    return channel


def _public_context(channel) -> dict:
    return {
        "channel": channel,
        "switch_languages": channel.languages,
        "readers": channel.organisation.name,
        "supplier": channel.site.supplier.name if channel.site else "",
    }


@never_cache
def report(request, channel_slug):
    channel = _channel_or_404(channel_slug)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _case, code = services.case_report(
                channel=channel,
                language=translation.get_language(),
                answers=data,
                attachments=data["files"],
                passphrase=data["passphrase"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context = {
                **_public_context(channel),
                "code": code,
                "red_flag": bool(redflags.indicators_from(data)),
                "help_contacts": selectors.help_contacts(
                    country=selectors.channel_country(channel)
                ),
            }
            return render(request, "grievances/sent.html", context)
    context = {**_public_context(channel), "form": form}
    return render(request, "grievances/report.html", context)


@never_cache
def receipt(request, channel_slug):
    """Enter the receipt code to read the answers and reply. Every wrong code, passphrase or
    channel gets the same page after the same work (services.receipt_open)."""
    channel = _channel_or_404(channel_slug)
    form = ReceiptForm(request.POST or None)
    context = {**_public_context(channel), "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opened = services.receipt_open(
            channel=channel, code=data["code"], passphrase=data["passphrase"]
        )
        if opened is None:
            context["wrong"] = True
            return render(request, "grievances/receipt.html", context, status=200)
        case, data_key = opened
        if data["reply"].strip():
            services.case_message_add(
                case=case, data_key=data_key, kind=Message.Kind.REPORTER, body=data["reply"]
            )
        if redflags.indicators_from(data):
            services.case_indicators_add(case=case, data_key=data_key, answers=data)
        if data["satisfaction"] and case.state == Case.State.CLOSED:
            services.case_satisfaction_set(case=case, answer=data["satisfaction"])
        if data["reply"].strip() or redflags.indicators_from(data) or data["satisfaction"]:
            form = ReceiptForm(initial={"code": data["code"], "passphrase": data["passphrase"]})
        context.update(
            help_contacts=selectors.help_contacts(country=selectors.channel_country(channel))
            if case.red_flagged_at
            else [],
        )
        context.update(
            form=form,
            case=case,
            report=selectors.report_content(case=case, data_key=data_key),
            messages_=selectors.conversation(case=case, data_key=data_key, notes=False),
        )
        return render(request, "grievances/conversation.html", context)
    return render(request, "grievances/receipt.html", context)


@never_cache
def help_page(request, channel_slug):
    """Where to get help now: hotlines and support organisations, the channel's country
    first. Public, like the form, and as anonymous."""
    channel = _channel_or_404(channel_slug)
    context = {
        **_public_context(channel),
        "help_contacts": selectors.help_contacts(country=selectors.channel_country(channel)),
    }
    return render(request, "grievances/help.html", context)


# --- The handlers' side ----------------------------------------------------------------------


def _organisation(request, organisation_id) -> Organisation:
    """The buyer (through core.access) or the operator whose handler the user is; owners
    and administrators only (403 for readers), 404 for everyone else."""
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if organisation.kind == Organisation.Kind.OPERATOR:
        if not is_operator(request.user):
            raise Http404
        membership = get_membership(request.user, organisation)
        if not membership.can_edit:
            raise Http404
        organisation.membership = membership
        return organisation
    return get_buyer_for_member(request.user, organisation_id, write=True)


@operator_required
def operator_index(request):
    """The program's channels and cases: the operator organisation's grievance page."""
    operator = Organisation.objects.filter(kind=Organisation.Kind.OPERATOR).order_by("pk").first()
    if operator is None:
        raise Http404
    return redirect("grievances:index", organisation_id=operator.pk)


@login_required
def index(request, organisation_id):
    organisation = _organisation(request, organisation_id)
    sites = (
        Site.objects.filter(supplier__organisation=organisation).select_related("supplier")
        if organisation.kind == Organisation.Kind.BUYER
        else Site.objects.none()
    )
    form = ChannelForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        site = sites.filter(pk=form.cleaned_data["site"]).first()
        try:
            services.channel_create(
                organisation=organisation,
                name=form.cleaned_data["name"],
                languages=form.cleaned_data["languages"],
                site=site,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("grievances:index", organisation_id=organisation.pk)
    cases = list(selectors.cases_of(organisation=organisation))
    context = {
        "organisation": organisation,
        "form": form,
        "channels": selectors.channels_of(organisation=organisation),
        "cases": cases,
        "has_key": HandlerKey.objects.filter(user=request.user).exists(),
        "unlocked": unlocking.private_key(request) is not None,
        "topic_labels": TOPIC_LABELS,
        "site_url": settings.SITE_URL,
    }
    return render(request, "grievances/index.html", context)


@login_required
def channel_poster(request, organisation_id, channel_id):
    """Choose the workers' languages, then download the poster (PDF, one page each)."""
    organisation = _organisation(request, organisation_id)
    channel = get_object_or_404(selectors.channels_of(organisation=organisation), pk=channel_id)
    form = PosterForm(request.GET or None, channel=channel)
    if form.is_bound and form.is_valid():
        chosen = [c for c in channel.languages if c in form.cleaned_data["languages"]]
        response = HttpResponse(
            poster.render_poster_pdf(channel=channel, languages=chosen),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{poster.poster_filename(channel)}"'
        )
        return response
    context = {
        "organisation": organisation,
        "channel": channel,
        "form": form,
        "url": poster.channel_url(channel),
    }
    return render(request, "grievances/poster.html", context)


@login_required
def channel_effectiveness(request, organisation_id, channel_id):
    """The channel against the UNGP effectiveness criteria, filled from its cases."""
    organisation = _organisation(request, organisation_id)
    channel = get_object_or_404(selectors.channels_of(organisation=organisation), pk=channel_id)
    context = {
        "organisation": organisation,
        "channel": channel,
        "criteria": effectiveness.channel_assessment(channel, topic_labels=TOPIC_LABELS),
        "min_cell": statistics.min_cell(),
    }
    return render(request, "grievances/effectiveness.html", context)


@login_required
def case_statistics(request, organisation_id):
    """The organisation's cases in aggregate, small cells suppressed."""
    organisation = _organisation(request, organisation_id)
    figures = selectors.case_statistics(organisation=organisation)
    context = {"organisation": organisation, "figures": figures, "scope": organisation.name}
    return render(request, "grievances/statistics.html", context)


@operator_required
def program_statistics(request):
    """Every channel's cases in aggregate, for the operator, small cells suppressed."""
    figures = statistics.case_figures(selectors.all_cases(), topic_labels=TOPIC_LABELS)
    context = {"organisation": None, "figures": figures, "scope": _("The whole program")}
    return render(request, "grievances/statistics.html", context)


@login_required
def key(request, organisation_id):
    """Set (or replace) the handler's grievance passphrase, which makes their key pair."""
    organisation = _organisation(request, organisation_id)
    form = PassphraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.handler_key_create(
                user=request.user, passphrase=form.cleaned_data["passphrase"]
            )
        except ValidationError as error:
            form.add_error("passphrase", error)
        else:
            return redirect("grievances:index", organisation_id=organisation.pk)
    context = {"organisation": organisation, "form": form}
    return render(request, "grievances/key.html", context)


@login_required
@require_POST
def unlock(request, organisation_id):
    organisation = _organisation(request, organisation_id)
    handler_key = HandlerKey.objects.filter(user=request.user).first()
    form = PassphraseForm(request.POST)
    if request.POST.get("action") == "lock" or handler_key is None:
        response = redirect("grievances:index", organisation_id=organisation.pk)
        unlocking.lock(request, response)
        return response
    if form.is_valid():
        try:
            private_key = services.handler_key_unlock(
                key=handler_key, passphrase=form.cleaned_data["passphrase"]
            )
        except ValidationError as error:
            form.add_error("passphrase", error)
        else:
            response = redirect("grievances:index", organisation_id=organisation.pk)
            unlocking.unlock(request, response, private_key)
            return response
    return render(
        request,
        "grievances/key.html",
        {"organisation": organisation, "form": form, "unlocking": True},
    )


@login_required
def case_detail(request, organisation_id, case_id):
    organisation = _organisation(request, organisation_id)
    case = selectors.get_case(organisation=organisation, case_id=case_id)
    private_key = unlocking.private_key(request)
    data_key = (
        services.case_data_key(case=case, user=request.user, private_key=private_key)
        if private_key
        else None
    )
    form = CaseForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "state":
                services.case_state_set(case=case, state=data["state"], by=request.user)
            elif data["action"] == "assign":
                handlers = {u.pk: u for u in selectors.handler_users(organisation=organisation)}
                if data["assignee"] and data["assignee"] not in handlers:
                    raise ValidationError(_("Assign the case to a handler of your organisation."))
                services.case_assign(
                    case=case, assignee=handlers.get(data["assignee"]), by=request.user
                )
            elif data["action"] == "category":
                if data["category"] and data["category"] not in TOPICS:
                    raise ValidationError("category")
                services.case_category_set(case=case, category=data["category"])
            elif data_key is None:
                raise ValidationError("locked")
            elif data["action"] == "forward":
                if not data["confirm"]:
                    raise ValidationError(
                        _("Confirm that the summary holds nothing that could identify the worker.")
                    )
                services.case_summary_forward(
                    case=case, data_key=data_key, summary=data["body"], by=request.user
                )
            elif data["action"] == "finding":
                if not data["confirm"]:
                    raise ValidationError(
                        _("Confirm that the finding holds nothing that could identify the worker.")
                    )
                finding = services.case_finding_record(
                    case=case,
                    data_key=data_key,
                    topic=data["category"],
                    severity=data["severity"],
                    title=data["title"],
                    evidence=data["body"],
                    by=request.user,
                )
                messages.success(request, _("The finding is recorded."))
                return redirect(
                    "remediation:detail", organisation_id=organisation.pk, finding_id=finding.pk
                )
            elif data["action"] == "outcome":
                services.case_close_with_outcome(
                    case=case, data_key=data_key, outcome=data["body"], by=request.user
                )
            else:
                kind = Message.Kind.HANDLER if data["action"] == "reply" else Message.Kind.NOTE
                services.case_message_add(
                    case=case, data_key=data_key, kind=kind, body=data["body"], by=request.user
                )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("grievances:case", organisation_id=organisation.pk, case_id=case.pk)
    report = selectors.report_content(case=case, data_key=data_key) if data_key else None
    names = redflags.indicator_names() if case.red_flagged_at else {}
    context = {
        "organisation": organisation,
        "case": case,
        "error": error,
        "unlocked": data_key is not None,
        "report": report,
        "indicators": [names.get(i, i) for i in (report or {}).get("indicators", [])],
        "handlers": selectors.handler_users(organisation=organisation),
        "events": case.events.select_related("by"),
        "messages_": selectors.conversation(case=case, data_key=data_key, notes=True)
        if data_key
        else [],
        "attachments": case.attachments.only("pk", "media_type", "size", "case_id"),
        "states": [(s, Case.State(s).label) for s in services.case_next_states(case)],
        "topics": [(t, TOPIC_LABELS[t]) for t in TOPICS],
        "topic_labels": TOPIC_LABELS,
        "severities": Finding.Severity.choices,
        "findings_possible": case.channel.site is not None
        and case.channel.site.supplier.organisation_id == organisation.pk,
        "posted": form.data if error else {},
    }
    return render(request, "grievances/case.html", context)


@login_required
def attachment(request, organisation_id, case_id, attachment_id):
    organisation = _organisation(request, organisation_id)
    case = selectors.get_case(organisation=organisation, case_id=case_id)
    item = get_object_or_404(Attachment, pk=attachment_id, case=case)
    private_key = unlocking.private_key(request)
    data_key = (
        services.case_data_key(case=case, user=request.user, private_key=private_key)
        if private_key
        else None
    )
    if data_key is None:
        return redirect("grievances:case", organisation_id=organisation.pk, case_id=case.pk)
    response = HttpResponse(
        selectors.attachment_content(attachment=item, data_key=data_key),
        content_type=item.media_type,
    )
    response["Content-Disposition"] = f'attachment; filename="attachment-{item.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The operator's help directory -----------------------------------------------------------


@operator_required
def help_directory(request):
    contacts = HelpContact.objects.all()
    return render(request, "grievances/help_directory.html", {"contacts": contacts})


@operator_required
def help_contact_edit(request, contact_id=None):
    contact = get_object_or_404(HelpContact, pk=contact_id) if contact_id else None
    form = HelpContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.help_contact_save(form=form)
        return redirect("grievances:help_directory")
    return render(request, "grievances/help_contact.html", {"form": form, "contact": contact})
