"""Inherent risk pages (the heat map and the world map read the latest stored assessment),
the import-ban screening of a buyer's suppliers over the same editions, and the buyer's
ranking of its suppliers (its latest computed run)."""

import csv
import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from hrdd.core.access import (
    buyer_memberships,
    get_buyer_for_member,
    is_operator,
    operator_required,
)
from hrdd.core.forms import add_service_errors
from hrdd.risk import bans, exports, method, selectors
from hrdd.risk import map as world
from hrdd.risk.forms import AdjustmentForm, RankingFilterForm
from hrdd.risk.selectors import RankWindow
from hrdd.risk.services import (
    adjustment_record,
    adjustment_withdraw,
    assessment_compute,
    priorities_request,
)
from hrdd.suppliers.selectors import get_supplier_for_member


def member_required(view):
    """Buyer members and operator staff; anyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (is_operator(request.user) or buyer_memberships(request.user).exists()):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _context(request) -> dict:
    assessment = selectors.latest_assessment()
    topic = selectors.topic_or_default(request.GET.get("topic"))
    context = {
        "assessment": assessment,
        "topic": topic,
        "topic_label": selectors.TOPIC_LABELS[topic],
        "topics": list(selectors.TOPIC_LABELS.items()),
        "levels": [(level, selectors.LEVEL_LABELS[level]) for level in method.LEVELS],
        "can_compute": is_operator(request.user),
    }
    if assessment is not None:
        context["editions"] = selectors.assessment_editions(assessment)
        context["newer"] = selectors.newer_editions(assessment)
    return context


@member_required
def heat_map(request):
    context = _context(request)
    if context["assessment"] is not None:
        context["rows"] = selectors.heat_map(context["assessment"], context["topic"])
        context["sectors"] = list(selectors.SECTOR_LABELS.values())
    return render(request, "risk/heat_map.html", context)


@member_required
def country(request, code):
    """One country's listed goods, each scored on its own, with every topic explained."""
    context = _context(request)
    assessment = context["assessment"]
    code = code.upper()
    rows = selectors.country_goods(assessment, code) if assessment is not None else None
    if assessment is not None and rows is None:
        raise Http404
    context.update(
        code=code,
        name=countries.name(code) or code,
        rows=rows,
        topic_labels=list(selectors.TOPIC_LABELS.values()),
    )
    return render(request, "risk/country.html", context)


@member_required
def world_map(request):
    context = _context(request)
    assessment = context["assessment"]
    if assessment is not None:
        levels = selectors.country_levels(assessment, context["topic"])
        names = {code: str(countries.name(code) or code) for code in world.outlines()}
        context["svg"] = world.world_map(
            levels=levels,
            names=names,
            labels={k: str(v) for k, v in selectors.LEVEL_LABELS.items()},
            title=_("World map of inherent risk: %(topic)s") % {"topic": context["topic_label"]},
        )
        context["counts"] = [
            (label, sum(1 for v in levels.values() if v == level))
            for level, label in selectors.LEVEL_LABELS.items()
        ]
    return render(request, "risk/world_map.html", context)


@require_POST
@operator_required
def compute(request):
    try:
        assessment_compute(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The risk assessment was computed with the current editions."))
    return redirect("risk:heat_map")


# --- The ranking of a buyer's suppliers ---------------------------------------------------


def _ranking_context(request, organisation) -> dict:
    run = selectors.latest_ranking(organisation=organisation)
    return {
        "organisation": organisation,
        "run": run,
        "can_edit": organisation.membership.can_edit,
        "state": selectors.ranking_state(organisation=organisation, run=run),
        "editions": list(selectors.run_editions(run).values()) if run else [],
    }


@login_required
def priorities(request, organisation_id):
    """The buyer's suppliers ranked by priority, each with why it comes where it does."""
    organisation = get_buyer_for_member(request.user, organisation_id)
    context = _ranking_context(request, organisation)
    run = context["run"]
    form = RankingFilterForm(request.GET)
    context["form"] = form
    if run is not None:
        editions = selectors.run_editions(run)
        filters = form.filters()
        rows = selectors.ranking_rows(run=run, **filters) if filters else RankWindow(run)
        page = Paginator(rows, selectors.PRIORITY_PAGE_SIZE).get_page(request.GET.get("page"))
        for row in page:
            row.why_text = selectors.why_sentence(row.why, editions)
            row.topic_label = selectors.TOPIC_LABELS.get(row.topic, row.topic)
            row.level_label = selectors.LEVEL_LABELS.get(row.level, row.level)
        context.update(
            page=page,
            levels=[
                (selectors.LEVEL_LABELS[level], n)
                for level, n in selectors.ranking_levels(run=run).items()
            ],
        )
    return render(request, "risk/priorities.html", context)


@require_POST
@login_required
def priorities_compute(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    try:
        priorities_request(organisation=organisation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The ranking is being computed; reload this page in a moment."))
    return redirect("risk:priorities", organisation_id=organisation.pk)


def _priority_detail(request, organisation, supplier, *, form=None, status=200):
    context = _ranking_context(request, organisation)
    run = context["run"]
    row = selectors.ranking_row(run=run, supplier_id=supplier.pk) if run else None
    if row is not None:
        editions = selectors.run_editions(run)
        context.update(
            row=row,
            why=selectors.why_parts(row.why, editions),
            breakdown=selectors.why_breakdown(row.why),
            topic_label=selectors.TOPIC_LABELS[row.why["topic"]],
            level_label=selectors.LEVEL_LABELS.get(row.level, row.level),
        )
    context.update(
        supplier=supplier,
        adjustments=list(selectors.adjustments_of(supplier=supplier)),
        form=form or AdjustmentForm(),
    )
    return render(request, "risk/priority_detail.html", context, status=status)


@login_required
def priority_detail(request, organisation_id, supplier_id):
    """One supplier's place in the ranking: the breakdown, and the buyer's adjustments."""
    organisation, supplier = get_supplier_for_member(request.user, organisation_id, supplier_id)
    return _priority_detail(request, organisation, supplier)


@require_POST
@login_required
def adjustment_add(request, organisation_id, supplier_id):
    organisation, supplier = get_supplier_for_member(
        request.user, organisation_id, supplier_id, write=True
    )
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        try:
            adjustment_record(supplier=supplier, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your adjustment was recorded; the ranking is being computed again."),
            )
            return redirect("risk:priority_detail", organisation.pk, supplier.pk)
    return _priority_detail(request, organisation, supplier, form=form, status=422)


@require_POST
@login_required
def adjustment_remove(request, organisation_id, supplier_id):
    organisation, supplier = get_supplier_for_member(
        request.user, organisation_id, supplier_id, write=True
    )
    if adjustment_withdraw(supplier=supplier, by=request.user):
        messages.success(
            request, _("The adjustment was withdrawn; the ranking is being computed again.")
        )
    return redirect("risk:priority_detail", organisation.pk, supplier.pk)


@login_required
def priorities_export(request, organisation_id, fmt):
    """The whole ranking as CSV or XLSX, or its first rows as a PDF."""
    organisation = get_buyer_for_member(request.user, organisation_id)
    if fmt not in {"csv", "xlsx", "pdf"}:
        raise Http404
    run = selectors.latest_ranking(organisation=organisation)
    if run is None:
        messages.info(request, _("Your suppliers have not been ranked yet."))
        return redirect("risk:priorities", organisation_id=organisation.pk)
    filters = RankingFilterForm(request.GET).filters()
    stem = f"supplier-priorities-{organisation.pk}-{run.finished_at:%Y%m%d}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.stream_csv(run=run, filters=filters), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    if fmt == "xlsx":
        return FileResponse(
            exports.write_xlsx(run=run, filters=filters),
            as_attachment=True,
            filename=f"{stem}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if fmt == "pdf":
        pdf = exports.render_pdf(run=run, organisation=organisation, filters=filters)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
        return response
    raise Http404


BANS_PAGE = 50


@member_required
def bans_home(request):
    """The buyer's screening page; a choice for someone in several buyers, an explanation for
    operator staff (who have no supplier list)."""
    memberships = list(buyer_memberships(request.user))
    if len(memberships) == 1:
        return redirect("risk:bans", organisation_id=memberships[0].organisation_id)
    return render(request, "risk/bans_home.html", {"memberships": memberships})


def _bans(request, organisation_id) -> dict:
    organisation = get_buyer_for_member(request.user, organisation_id)
    rule = selectors.rule_or_default(request.GET.get("rule"))
    assessment = selectors.latest_assessment()
    result = selectors.organisation_exposure(organisation, assessment, rule=rule)
    return {"organisation": organisation, "rule": rule, "assessment": assessment, **result}


@login_required
def bans_list(request, organisation_id):
    """The buyer's suppliers with import-ban flags, filterable by rule."""
    context = _bans(request, organisation_id)
    context["page"] = Paginator(context["rows"], BANS_PAGE).get_page(request.GET.get("page"))
    context["rules"] = list(bans.RULES.values())
    context["newer"] = (
        selectors.newer_editions(context["assessment"]) if context["assessment"] else []
    )
    return render(request, "risk/bans.html", context)


def _cell(value) -> str:
    """Text a spreadsheet would run as a formula is prefixed so it stays text."""
    value = str(value)
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


CSV_COLUMNS = (
    "supplier", "place", "is_site", "country", "region", "good_as_written", "listed_good",
    "rule", "rule_name", "law_id", "kind", "message", "data", "evidence", "dataset", "edition",
)  # fmt: skip


@login_required
def bans_csv(request, organisation_id):
    """The same flags as the page, one row per flag."""
    context = _bans(request, organisation_id)
    editions = {e.pk: e for e in context["context"].editions}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in context["rows"]:
        for item in row["flags"]:
            flag = item["flag"]
            edition = editions.get(flag.edition_id)
            writer.writerow(
                _cell(v)
                for v in (
                    row["supplier"].name,
                    flag.place.name,
                    "yes" if flag.place.is_site else "no",
                    flag.place.country,
                    flag.place.region,
                    flag.good,
                    flag.listed_good,
                    flag.rule.id,
                    flag.rule.name,
                    flag.law,
                    flag.kind,
                    flag.message,
                    "; ".join(f"{k}={v}" for k, v in flag.data.items()),
                    " | ".join(str(e) for e in flag.evidence),
                    edition.dataset.code if edition else "",
                    edition.edition if edition else "",
                )
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"import-ban-screening-{context['organisation'].pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
