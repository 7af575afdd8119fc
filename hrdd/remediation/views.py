"""The buyer's findings (list, new, one finding with its plan and timeline, the steps it
takes) and the supplier's plan behind its personal link (no account; GET changes nothing)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_countries import countries

from hrdd.core.access import get_buyer_for_member, operator_required
from hrdd.core.forms import add_service_errors
from hrdd.core.supplier_language import supplier_language_activate, supplier_language_remember
from hrdd.impact import selectors as impact_selectors
from hrdd.remediation import exports, forms, selectors, services
from hrdd.remediation.models import TOPICS, Finding

FIRST_ROWS = 3


# --- The buyer's pages -----------------------------------------------------------------------


@login_required
def finding_list(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    filters = forms.FilterForm(request.GET or None)
    findings = selectors.findings_for_buyer(organisation=organisation, **filters.filters())
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "remediation/list.html",
        {"organisation": organisation, "page": page, "filters": filters},
    )


@login_required
def finding_create(request, organisation_id):
    organisation = get_buyer_for_member(
        request.user, organisation_id, write=request.method == "POST"
    )
    responses = selectors.disclosed_responses(organisation=organisation)
    # From the Detailed Report: the response chosen (if it is one the form offers).
    initial = {"source": Finding.Source.ASSESSMENT} if request.GET.get("response") else {}
    initial["response"] = request.GET.get("response", "")[:20]
    form = forms.FindingForm(
        request.POST or None,
        request.FILES or None,
        organisation=organisation,
        responses=responses,
        initial=initial,
    )
    if request.method == "POST":
        # The response is looked up among all the buyer's own, whatever their campaign, so
        # that a confidential one is refused with its reason (by the service) rather than
        # as an unknown choice.
        form.fields["response"].queryset = selectors.own_responses(organisation=organisation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                finding = services.finding_create(
                    organisation=organisation,
                    supplier=data["supplier"],
                    site=data["site"],
                    source=data["source"],
                    response=data["response"],
                    topic=data["topic"],
                    severity=data["severity"],
                    title=data["title"],
                    evidence=data["evidence"],
                    observed_on=data["observed_on"],
                    report=data["file"],
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The finding was recorded."))
                return redirect("remediation:detail", organisation.pk, finding.pk)
    return render(
        request,
        "remediation/create.html",
        {"organisation": organisation, "form": form, "has_responses": responses.exists()},
        status=422 if form.errors else 200,
    )


@login_required
def from_recommendation(request, organisation_id, recommendation_id):
    """An impact-assessment recommendation made a finding at a supplier and a plan asked
    for, in one step (owners and administrators)."""
    organisation = get_buyer_for_member(
        request.user, organisation_id, write=request.method == "POST"
    )
    recommendation = impact_selectors.get_recommendation_for_buyer(
        organisation=organisation, recommendation_id=recommendation_id
    )
    done = selectors.finding_for_recommendation(recommendation=recommendation)
    if done is not None:
        messages.info(request, _("This recommendation already has a corrective action plan."))
        return redirect("remediation:detail", organisation.pk, done.pk)
    sites = [
        s
        for s in recommendation.project.sites.all()
        if s.supplier.organisation_id == organisation.pk
    ]
    initial = {"topic": recommendation.finding.topic if recommendation.finding else "other"}
    if len(sites) == 1:
        initial.update(site=sites[0].pk, supplier=sites[0].supplier_id)
    form = forms.RecommendationForm(
        request.POST or None, organisation=organisation, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.finding_from_recommendation(
                organisation=organisation,
                recommendation=recommendation,
                supplier=data["supplier"],
                site=data["site"],
                topic=data["topic"],
                severity=data["severity"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The finding was recorded and a personal link to the plan sent to the supplier."),
            )
            return redirect("remediation:detail", organisation.pk, finding.pk)
    return render(
        request,
        "remediation/from_recommendation.html",
        {"organisation": organisation, "recommendation": recommendation, "form": form},
        status=422 if form.errors else 200,
    )


def _detail_context(organisation, finding, **forms_given):
    cap = getattr(finding, "cap", None)
    return {
        "organisation": organisation,
        "finding": finding,
        "cap": cap,
        "actions": list(cap.actions.all()) if cap else [],
        "files": finding.files.defer("content").select_related("action"),
        "timeline": finding.timeline.select_related("user"),
        "can_edit": organisation.membership.can_edit and finding.is_open,
        "changes_form": forms_given.get("changes") or forms.ChangesForm(),
        "verify_form": forms_given.get("verify") or forms.VerifyForm(),
        "evidence_form": forms_given.get("evidence") or forms.EvidenceForm(),
        "errors": forms_given.get("errors", []),
        "kept": "",
    }


@login_required
def finding_detail(request, organisation_id, finding_id):
    organisation, finding = selectors.get_finding_for_member(
        request.user, organisation_id, finding_id
    )
    return render(request, "remediation/detail.html", _detail_context(organisation, finding))


# Buttons of the finding page: the form each needs (if any) and the service it calls.
STEPS = {"open", "resend", "accept", "changes", "grant", "decline", "verify", "close", "evidence"}


@require_POST
@login_required
def finding_step(request, organisation_id, finding_id):
    """One step of the buyer's, named by the button pressed."""
    organisation, finding = selectors.get_finding_for_member(
        request.user, organisation_id, finding_id, write=True
    )
    step = request.POST.get("step", "")
    if step not in STEPS:
        return redirect("remediation:detail", organisation.pk, finding.pk)
    cap = getattr(finding, "cap", None)
    form = None
    try:
        if step == "open":
            services.cap_open(finding=finding, by=request.user)
            messages.success(request, _("A personal link to the plan was sent to the supplier."))
        elif cap is None and step != "evidence" and step != "close":
            raise ValidationError(_("Ask the supplier for a plan first."))
        elif step == "resend":
            services.cap_link_resend(cap=cap, by=request.user)
            messages.success(request, _("A new link was sent; the earlier ones no longer work."))
        elif step == "accept":
            services.cap_accept(cap=cap, by=request.user)
            messages.success(request, _("The plan was accepted and the supplier told."))
        elif step == "changes":
            form = forms.ChangesForm(request.POST)
            if form.is_valid():
                services.cap_request_changes(
                    cap=cap, by=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("The plan was sent back to the supplier."))
        elif step in {"grant", "decline"}:
            services.cap_extension_decide(cap=cap, by=request.user, grant=step == "grant")
        elif step == "verify":
            form = forms.VerifyForm(request.POST)
            if form.is_valid():
                services.cap_verify(
                    cap=cap,
                    by=request.user,
                    method=form.cleaned_data["method"],
                    note=form.cleaned_data["note"],
                )
        elif step == "close":
            services.finding_close(finding=finding, by=request.user)
            messages.success(request, _("The finding was closed."))
        elif step == "evidence":
            form = forms.EvidenceForm(request.POST, request.FILES)
            if form.is_valid():
                services.evidence_add(
                    finding=finding, upload=form.cleaned_data["file"], by=request.user
                )
    except ValidationError as exc:
        if form is None:
            form = forms.EvidenceForm() if step == "evidence" else None
        if form is not None:
            add_service_errors(form, exc)
        else:
            context = _detail_context(organisation, finding, errors=exc.messages)
            return render(request, "remediation/detail.html", context, status=422)
    if form is not None and form.errors:
        finding.refresh_from_db()
        key = {"changes": "changes", "verify": "verify", "evidence": "evidence"}[step]
        context = _detail_context(organisation, finding, **{key: form})
        if not finding.is_open:
            # The forms are no longer shown: the refusal on top, and what was typed with it.
            context["errors"] = form.non_field_errors()
            context["kept"] = (form.data.get("note") or "").strip()
        return render(request, "remediation/detail.html", context, status=422)
    return redirect("remediation:detail", organisation.pk, finding.pk)


def _file_response(evidence) -> HttpResponse:
    response = HttpResponse(bytes(evidence.content), content_type=evidence.content_type)
    response["Content-Disposition"] = f'attachment; filename="evidence-{evidence.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def evidence_file(request, organisation_id, finding_id, file_id):
    _organisation, finding = selectors.get_finding_for_member(
        request.user, organisation_id, finding_id
    )
    return _file_response(get_object_or_404(finding.files, pk=file_id))


@login_required
def timelines(request, organisation_id):
    """The buyer's deadlines (RBA practice until it changes them)."""
    organisation = get_buyer_for_member(
        request.user, organisation_id, write=request.method == "POST"
    )
    current = selectors.timelines(organisation=organisation)
    form = forms.TimelinesForm(
        request.POST or None,
        initial={
            "cap_days": current.cap_days,
            "priority_days": current.priority_days,
            "reminder_days": current.reminder_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.remediation_settings_update(organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The timelines were saved."))
            return redirect("remediation:timelines", organisation.pk)
    return render(
        request,
        "remediation/timelines.html",
        {"organisation": organisation, "form": form},
        status=422 if form.errors else 200,
    )


# --- The supplier's page ---------------------------------------------------------------------


@never_cache
def supplier_page(request, token):
    cap = selectors.cap_for_token(token=token)
    if cap is None:
        return render(request, "remediation/invalid.html", status=404)
    chosen = supplier_language_activate(request, cap.language)
    return supplier_language_remember(_supplier_page(request, cap), chosen)


def _row_count(request, cap) -> int:
    try:
        count = int(request.POST.get("rows", FIRST_ROWS))
    except ValueError:
        count = FIRST_ROWS
    return max(1, min(count, services.MAX_ACTIONS))


def _supplier_page(request, cap):
    finding = cap.finding
    status = 200
    proposing = finding.status in {Finding.Status.REQUESTED, Finding.Status.CHANGES}
    existing = list(cap.actions.all())
    proposal = forms.ProposalForm(initial={"root_cause": cap.root_cause})
    rows = [
        forms.ActionRowForm(
            number=n,
            initial={"kind": a.kind, "description": a.description, "owner": a.owner,
                     "due_on": a.due_on},
        )
        for n, a in enumerate(existing, start=1)
    ]  # fmt: skip
    rows += [
        forms.ActionRowForm(number=n)
        for n in range(len(rows) + 1, max(len(rows) + 1, FIRST_ROWS) + 1)
    ]
    extension = forms.ExtensionForm()
    done_forms = {a.pk: forms.DoneForm(initial={"action_id": a.pk}) for a in existing}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    token = request.resolver_match.kwargs["token"]
    try:
        if action in {"propose", "more"}:
            count = _row_count(request, cap)
            proposal = forms.ProposalForm(request.POST)
            if action == "more":
                proposal = forms.ProposalForm(
                    initial={"root_cause": request.POST.get("root_cause", "")}
                )
            rows = [forms.ActionRowForm(request.POST, number=n) for n in range(1, count + 1)]
            if action == "more":
                rows = [forms.ActionRowForm(initial=_raw(r), number=r.number) for r in rows] + [
                    forms.ActionRowForm(number=n)
                    for n in range(count + 1, min(count + 3, services.MAX_ACTIONS) + 1)
                ]
            else:
                valid = [proposal.is_valid()] + [r.is_valid() for r in rows]
                if all(valid):
                    actions = [
                        {**r.cleaned_data, "number": r.number} for r in rows if r.has_changed()
                    ]
                    _propose(cap, proposal, rows, actions)
                    return redirect("remediation:supplier", token=token)
        elif action == "extension":
            extension = forms.ExtensionForm(request.POST)
            if extension.is_valid():
                try:
                    services.cap_extension_request(cap=cap, **extension.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(extension, exc)
                else:
                    return redirect("remediation:supplier", token=token)
        elif action == "done":
            done = forms.DoneForm(request.POST, request.FILES)
            if done.is_valid():
                chosen = next((a for a in existing if a.pk == done.cleaned_data["action_id"]), None)
                if chosen is None:
                    raise Http404
                try:
                    services.action_complete(
                        action=chosen,
                        note=done.cleaned_data["note"],
                        upload=done.cleaned_data["file"],
                    )
                except ValidationError as exc:
                    add_service_errors(done, exc)
                else:
                    return redirect("remediation:supplier", token=token)
            action_id = done.data.get("action_id", "")
            for key in done_forms:
                if str(key) == str(action_id):
                    done_forms[key] = done
    except _Refused as refused:
        proposal.add_error(None, refused.messages)
    if request.method == "POST":
        forms_seen = [proposal, extension, *rows, *done_forms.values()]
        if any(f.is_bound and f.errors for f in forms_seen):
            status = 422
    return render(
        request,
        "remediation/supplier.html",
        {
            "cap": cap,
            "finding": finding,
            "buyer": finding.organisation.name,
            "proposing": proposing,
            "proposal": proposal,
            "rows": rows,
            "row_count": len(rows),
            "extension": extension,
            "actions": [(a, done_forms[a.pk]) for a in existing],
            "switch_languages": list(dict.fromkeys([*settings.UI_LANGUAGES, cap.language])),
        },
        status=status,
    )


class _Refused(ValidationError):
    pass


def _raw(form) -> dict:
    return {name: form[name].value() or "" for name in form.fields}


def _propose(cap, proposal, rows, actions) -> None:
    """Send the plan; a refusal goes on the row and field it names."""
    try:
        services.cap_propose(
            cap=cap,
            root_cause=proposal.cleaned_data["root_cause"],
            actions=[{k: v for k, v in a.items() if k != "number"} for a in actions],
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise _Refused(exc.messages) from exc
        for key, errors in exc.message_dict.items():
            parts = key.split("-")
            if len(parts) == 3 and parts[0] == "action":
                number = actions[int(parts[1]) - 1]["number"]
                row = next(r for r in rows if r.number == number)
                row.add_error(parts[2], errors)
            else:
                proposal.add_error("root_cause" if key == "root_cause" else None, errors)
        raise _Refused(_("Please correct the problems below.")) from exc


# --- The dashboard ---------------------------------------------------------------------------


@login_required
def dashboard(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    board = selectors.dashboard(organisation=organisation)
    return render(
        request,
        "remediation/dashboard.html",
        {
            "organisation": organisation,
            "board": board,
            "severities": [(Finding.Severity(s).label, n) for s, n in board.by_severity],
            "topics": [(TOPICS.get(t, t), n) for t, n in board.by_topic],
            "countries": [(countries.name(c) or c, n) for c, n in board.by_country],
        },
    )


@login_required
def dashboard_export(request, organisation_id, fmt):
    organisation = get_buyer_for_member(request.user, organisation_id)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    board = selectors.dashboard(organisation=organisation)
    stem = f"remediation-{organisation.pk}-{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(board), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(board),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# --- The operator's overview across buyers ----------------------------------------------------


def _min_buyers(request) -> int | None:
    """The operator may ask for more buyers behind each figure, never fewer (the selector
    keeps the policy's minimum whatever is asked)."""
    try:
        return int(request.GET.get("min_buyers", ""))
    except ValueError:
        return None


@operator_required
def operator_overview(request):
    overview = selectors.operator_overview(min_buyers=_min_buyers(request))
    dimensions = [
        ("severity", _("By severity")),
        ("topic", _("By topic")),
        ("country", _("By country")),
    ]
    tables = [
        (title, [(exports.value_label(d, c.value), c) for c in overview.by.get(d, [])])
        for d, title in dimensions
    ]
    return render(request, "remediation/operator.html", {"overview": overview, "tables": tables})


@operator_required
def operator_export(request):
    overview = selectors.operator_overview(min_buyers=_min_buyers(request))
    response = HttpResponse(exports.operator_csv(overview), content_type="text/csv; charset=utf-8")
    stem = f"remediation-all-buyers-{timezone.localdate():%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
