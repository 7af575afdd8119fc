"""Per-supplier pages and exports of disclosed campaigns: gated by the policy, audited."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

from hrdd import policy
from hrdd.core.access import (
    get_campaign_for_detailed_report,
    get_campaign_for_member,
    operator_required,
)
from hrdd.detailed import exports, selectors, services
from hrdd.detailed.models import AuditEntry
from hrdd.detailed.pdf import render_supplier_pdf, supplier_pdf_filename
from hrdd.organisations.models import Organisation
from hrdd.responses.selectors import answers_for_receipt


def _gate(request, campaign_id):
    """(campaign, None) if the detailed report may be shown, else (campaign, 403 page)."""
    campaign = get_campaign_for_detailed_report(request.user, campaign_id)
    if policy.detailed_report_access(campaign) == policy.DETAILED_NEEDS_PLAN:
        return campaign, render(
            request, "detailed/needs_paid_plan.html", {"campaign": campaign}, status=403
        )
    return campaign, None


@login_required
def supplier_list(request, campaign_id):
    campaign, refused = _gate(request, campaign_id)
    if refused:
        return refused
    responses = list(selectors.disclosed_responses(campaign=campaign))
    flags = selectors.risk_flags(campaign=campaign, responses=responses)
    definition = campaign.questionnaire_version.parsed
    language = get_language() or "en"
    topics = list(definition.topics.items())
    rows = [
        {
            "response": r,
            "flags": [(flags[r.pk].get(code, "")) for code, _text in topics],
        }
        for r in responses
    ]
    services.audit(campaign=campaign, user=request.user, action=AuditEntry.Action.SUPPLIER_LIST)
    return render(
        request,
        "detailed/suppliers.html",
        {
            "campaign": campaign,
            "rows": rows,
            "topics": [text.get(language) for _code, text in topics],
        },
    )


@login_required
def supplier_detail(request, campaign_id, response_id):
    campaign, refused = _gate(request, campaign_id)
    if refused:
        return refused
    response = get_object_or_404(selectors.disclosed_responses(campaign=campaign), pk=response_id)
    language = get_language() or "en"
    services.audit(
        campaign=campaign,
        user=request.user,
        action=AuditEntry.Action.SUPPLIER_ANSWERS,
        response=response,
    )
    return render(
        request,
        "detailed/supplier.html",
        {
            "campaign": campaign,
            "response": response,
            "answers": answers_for_receipt(
                response=response,
                definition=campaign.questionnaire_version.parsed,
                language=language,
            ),
        },
    )


@login_required
def supplier_pdf(request, campaign_id, response_id):
    """One supplier's answers as a PDF: the same gate, rows and language as supplier_detail."""
    campaign, refused = _gate(request, campaign_id)
    if refused:
        return refused
    response = get_object_or_404(selectors.disclosed_responses(campaign=campaign), pk=response_id)
    pdf = render_supplier_pdf(
        campaign=campaign,
        response=response,
        answers=answers_for_receipt(
            response=response,
            definition=campaign.questionnaire_version.parsed,
            language=get_language() or "en",
        ),
    )
    services.audit(
        campaign=campaign,
        user=request.user,
        action=AuditEntry.Action.EXPORT_PDF,
        response=response,
    )
    http_response = HttpResponse(pdf, content_type="application/pdf")
    http_response["Content-Disposition"] = content_disposition_header(
        False, supplier_pdf_filename(campaign=campaign, response=response)
    )
    return http_response


@login_required
def export_csv(request, campaign_id):
    campaign, refused = _gate(request, campaign_id)
    if refused:
        return refused
    services.audit(campaign=campaign, user=request.user, action=AuditEntry.Action.EXPORT_CSV)
    response = StreamingHttpResponse(
        exports.stream_csv(campaign=campaign), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="answers-{campaign.pk}.csv"'
    return response


@login_required
def export_xlsx(request, campaign_id):
    campaign, refused = _gate(request, campaign_id)
    if refused:
        return refused
    services.audit(campaign=campaign, user=request.user, action=AuditEntry.Action.EXPORT_XLSX)
    return FileResponse(
        exports.write_xlsx(campaign=campaign, language=get_language() or "en"),
        as_attachment=True,
        filename=f"answers-{campaign.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@operator_required
def operator_audit_log(request):
    """The audit log of every buyer, for the operator; optionally one buyer's."""
    buyers = Organisation.objects.filter(
        kind=Organisation.Kind.BUYER, campaigns__audit_entries__isnull=False
    ).distinct()
    try:
        organisation_id = int(request.GET.get("organisation", ""))
    except ValueError:
        organisation_id = None
    page = Paginator(
        selectors.audit_entries_for_operator(organisation_id=organisation_id), 100
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "detailed/operator_audit.html",
        {"page": page, "buyers": buyers.order_by("name"), "organisation_id": organisation_id},
    )


@login_required
def audit_log(request, campaign_id):
    """Who looked at which supplier's data, and when: for the buyer's owner."""
    campaign = get_campaign_for_member(request.user, campaign_id)
    if campaign.membership.role != campaign.membership.Role.OWNER:
        raise PermissionDenied
    entries = campaign.audit_entries.select_related("user")[:500]
    return render(request, "detailed/audit.html", {"campaign": campaign, "entries": entries})
