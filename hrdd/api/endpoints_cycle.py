"""The Summary Report, findings with their corrective action plans, and grievance statistics
under /api/v1/. Each endpoint reads through the owning app's selectors and gives what the
matching page shows and nothing more: the report through the same release and presenter
as its page (hrdd.policy's released shares and margins), the findings of the key's
organisation as its findings pages show them, the grievance figures with the statistics
page's small-cell suppression."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response

from hrdd import policy
from hrdd.api.endpoints import ApiView, Pages
from hrdd.api.models import Scope
from hrdd.api.serializers_cycle import (
    FindingDetailSerializer,
    FindingSerializer,
    GrievanceStatisticsSerializer,
    SummaryReportSerializer,
)
from hrdd.campaigns.selectors import campaigns_for_organisation
from hrdd.grievances.selectors import case_statistics
from hrdd.remediation.models import TOPICS, Finding
from hrdd.remediation.selectors import findings_with_plans, get_finding, plan_actions
from hrdd.reports.presenters import present_release
from hrdd.reports.selectors import first_release_size, latest_release

# --- Summary Report --------------------------------------------------------------------------


def _answers(rows: list[dict]) -> list[dict]:
    return [
        {
            "code": row["code"],
            "label": str(row["label"] or row["code"]),
            "share": row["share"],
            "margin": row["margin"],
            "risk": str(row["risk"]),
            "special": bool(row["special"]),
        }
        for row in rows
    ]


def report_data(campaign) -> dict:
    """The latest release as the Summary Report page shows it (presenters.present_release,
    the page's own presenter, so every figure is one hrdd.policy released), without its
    charts and HTML; before the first release, only the page's explanation."""
    release = latest_release(campaign=campaign)
    data = {
        "campaign_id": campaign.pk,
        "released": release is not None,
        "detail": "",
        "min_responses": campaign.min_responses,
        "max_margin": policy.max_margin(),
        "release": None,
        "indicators": [],
        "questions": [],
        "measures": [],
    }
    if release is None:
        data["detail"] = _(
            "No results yet. The report is released when the campaign closes (with at least "
            "%(k)s responses), or earlier once %(first)s suppliers have answered, so that the "
            "noise that protects each supplier's answers stays small."
        ) % {"k": campaign.min_responses, "first": first_release_size(campaign=campaign)}
        return data
    report = present_release(release=release, campaign=campaign)
    data["min_responses"] = report["min_responses"]
    data["release"] = {
        "number": release.number,
        "created_at": release.created_at,
        "response_count": report["response_count"],
    }
    data["indicators"] = [
        {
            "topic": str(item["topic"]),
            "status": item["status"],
            "share": item["share"] if item["status"] == policy.SHOWN else None,
            "margin": item["margin"] if item["status"] == policy.SHOWN else None,
        }
        for item in report["indicators"]
    ]
    data["questions"] = [
        {
            "section": str(section["title"] or ""),
            "code": question["code"],
            "text": str(question["text"] or ""),
            "status": question["status"],
            "multiple": question["multiple"],
            "answers": _answers(question["rows"]),
            "grid": [
                {
                    "label": str(row["label"] or ""),
                    "answers": _answers(row["rows"]),
                    "note": str(row["note"]),
                }
                for row in question["grid"]
            ],
            "note": str(question["note"]),
        }
        for section in report["sections"]
        for question in section["questions"]
    ]
    data["measures"] = [
        {
            "topic": str(measure["topic"]),
            "level": measure["level"],
            "questions": [str(q) for q in measure["questions"]],
            "actions": [str(a) for a in measure["actions"]],
            "sources": [str(s) for s in measure["sources"]],
        }
        for measure in report["measures"]
    ]
    return data


class SummaryReport(ApiView):
    """The campaign's latest Summary Report release: the shares and margins its page shows,
    for the key's organisation only. Nothing before the first release."""

    serializer_class = SummaryReportSerializer
    read_scope = Scope.REPORTS_READ

    def get(self, request, campaign_id):
        campaign = get_object_or_404(
            campaigns_for_organisation(organisation=self.organisation), pk=campaign_id
        )
        return Response(SummaryReportSerializer(report_data(campaign)).data)


# --- Findings and corrective action plans ----------------------------------------------------

FINDING_FILTERS = {
    "status": ["open", *Finding.Status.values],
    "severity": list(Finding.Severity.values),
    "topic": list(TOPICS),
}


def _filters(params) -> dict:
    """The list's filters, checked: a value that is not one of the field's is a 400 naming
    the field (the web page's filter form would ignore it; a program should hear of it)."""
    found, errors = {}, {}
    for name, values in FINDING_FILTERS.items():
        value = params.get(name, "")
        if value and value not in values:
            errors[name] = [
                _("Give one of: %(values)s.") % {"values": ", ".join(values)},
            ]
        found[name] = value
    country = params.get("country", "")
    if country and not (len(country) == 2 and country.isalpha()):
        errors["country"] = [_("Give an ISO 3166-1 alpha-2 code, such as VN.")]
    found["country"] = country.upper()
    if errors:
        raise exceptions.ValidationError(errors)
    return found


def _plan(finding: Finding) -> dict | None:
    cap = getattr(finding, "cap", None)
    if cap is None:
        return None
    return {
        "due_on": cap.due_on,
        "requested_at": cap.opened_at,
        "proposed_at": cap.proposed_at,
        "accepted_at": cap.accepted_at,
        "verified_at": cap.verified_at,
        "verification": cap.verification,
        "actions": {
            "total": finding.actions_total,
            "done": finding.actions_done,
            "overdue": finding.actions_overdue,
        },
    }


def finding_data(finding: Finding) -> dict:
    """A finding and its plan's summary, as the findings list and page show them."""
    return {
        "id": finding.pk,
        "title": finding.title,
        "supplier_id": finding.supplier_id,
        "supplier_name": finding.supplier.name,
        "site": finding.site.name if finding.site else "",
        "country": finding.country,
        "topic": finding.topic,
        "severity": finding.severity,
        "status": finding.status,
        "source": finding.source,
        "campaign": finding.response.campaign.name if finding.response else "",
        "reference": finding.reference,
        "observed_on": finding.observed_on,
        "created_at": finding.created_at,
        "closed_at": finding.closed_at,
        "days_to_close": finding.days_to_close,
        "plan": _plan(finding),
    }


class FindingPages(Pages):
    ordering = "-id"


class FindingList(ApiView, generics.ListAPIView):
    """The buyer's findings, newest first, each with its plan and its actions counted."""

    serializer_class = FindingSerializer
    pagination_class = FindingPages
    read_scope = Scope.FINDINGS_READ

    def get_queryset(self):
        return findings_with_plans(
            organisation=self.organisation, **_filters(self.request.query_params)
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=FINDING_FILTERS["status"],
                description="The plan's step; 'open' is every step but closed.",
            ),
            OpenApiParameter("severity", str, enum=FINDING_FILTERS["severity"]),
            OpenApiParameter("topic", str, enum=FINDING_FILTERS["topic"]),
            OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code."),
        ]
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = FindingSerializer([finding_data(f) for f in page], many=True).data
        return self.get_paginated_response(data)


class FindingDetail(ApiView):
    """One finding: its evidence, and its plan with the root cause and every action."""

    serializer_class = FindingDetailSerializer
    read_scope = Scope.FINDINGS_READ

    def get(self, request, finding_id):
        finding = get_finding(organisation=self.organisation, finding_id=finding_id)
        data = finding_data(finding) | {"evidence": finding.evidence}
        if data["plan"] is not None:
            cap = finding.cap
            data["plan"] |= {
                "root_cause": cap.root_cause,
                "review_note": cap.review_note,
                "extension_until": cap.extension_until,
                "action_list": [
                    {
                        "position": action.position,
                        "kind": action.kind,
                        "description": action.description,
                        "owner": action.owner,
                        "due_on": action.due_on,
                        "status": action.status,
                        "completion_note": action.completion_note,
                        "completed_at": action.completed_at,
                    }
                    for action in plan_actions(finding=finding)
                ],
            }
        return Response(FindingDetailSerializer(data).data)


# --- Grievance statistics --------------------------------------------------------------------


def _rows(rows: list[dict]) -> list[dict]:
    return [
        {"code": str(row["code"] or ""), "label": str(row["label"]), "count": row["count"]}
        for row in rows
    ]


class GrievanceStatistics(ApiView):
    """The organisation's grievance cases in aggregate, as its statistics page shows them:
    no figure from fewer than `min_cell` cases. Never a case's content."""

    serializer_class = GrievanceStatisticsSerializer
    read_scope = Scope.GRIEVANCES_READ

    def get(self, request):
        figures = case_statistics(organisation=self.organisation)
        data = {
            "min_cell": figures["min_cell"],
            "total": figures["total"],
            "acknowledge_days": figures["acknowledge_days"],
            "acknowledged_on_time": figures["acknowledged_on_time"],
            "close_days": figures["close_days"],
            "with_feedback": figures["with_feedback"],
            "by_topic": _rows(figures["by_topic"]),
            "by_country": _rows(figures["by_country"]),
        }
        return Response(GrievanceStatisticsSerializer(data).data)
