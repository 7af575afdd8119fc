"""Reads of findings and plans: by id for a member of the buyer (404 for anyone else), by a
personal link's token, the list with its filters, the disclosed responses a finding may come
from, and the buyer's timelines."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.core.access import get_buyer_for_member
from hrdd.core.tokens import hash_code
from hrdd.organisations.models import Organisation
from hrdd.remediation.models import (
    Action,
    CapToken,
    CorrectiveActionPlan,
    Finding,
    RemediationSettings,
)
from hrdd.responses.models import Response


def timelines(*, organisation: Organisation) -> RemediationSettings:
    """The buyer's timelines, or the RBA defaults (unsaved) if it never changed them."""
    found = RemediationSettings.objects.filter(organisation=organisation).first()
    return found or RemediationSettings(organisation=organisation)


def get_finding_for_member(
    user, organisation_id, finding_id, *, write: bool = False
) -> tuple[Organisation, Finding]:
    """The buyer and one of its findings, else 404 (403 for readers with write=True)."""
    organisation = get_buyer_for_member(user, organisation_id, write=write)
    finding = get_object_or_404(
        Finding.objects.select_related(
            "supplier", "site", "created_by", "response__campaign", "recommendation__project"
        ),
        pk=finding_id,
        organisation=organisation,
    )
    return organisation, finding


def finding_for_recommendation(*, recommendation) -> Finding | None:
    """The finding an impact-assessment recommendation became, if it became one."""
    return Finding.objects.filter(recommendation=recommendation).first()


def cap_for_token(*, token: str) -> CorrectiveActionPlan | None:
    """The plan a personal link opens, unless the link was revoked."""
    found = (
        CapToken.objects.filter(token_hash=hash_code(token), revoked_at=None)
        .select_related("cap__finding__organisation", "cap__finding__supplier")
        .first()
    )
    return found.cap if found else None


def findings_for_buyer(
    *,
    organisation: Organisation,
    severity: str = "",
    topic: str = "",
    country: str = "",
    status: str = "",
) -> QuerySet[Finding]:
    """The buyer's findings, newest first, narrowed by the list's filters ("open" is every
    status but closed)."""
    findings = Finding.objects.filter(organisation=organisation)
    if severity:
        findings = findings.filter(severity=severity)
    if topic:
        findings = findings.filter(topic=topic)
    if country:
        findings = findings.filter(country=country)
    if status == "open":
        findings = findings.filter(status__in=Finding.OPEN_STATUSES)
    elif status:
        findings = findings.filter(status=status)
    return findings.select_related("supplier").order_by("-created_at", "-pk")


def findings_with_plans(
    *,
    organisation: Organisation,
    severity: str = "",
    topic: str = "",
    country: str = "",
    status: str = "",
) -> QuerySet[Finding]:
    """findings_for_buyer's findings with their plans and their actions counted (all, done,
    and overdue: still planned after their due date), in one query (the API's list)."""
    today = timezone.localdate()
    actions = "cap__actions"
    return (
        findings_for_buyer(
            organisation=organisation,
            severity=severity,
            topic=topic,
            country=country,
            status=status,
        )
        .select_related("site", "cap", "response__campaign")
        .annotate(
            actions_total=Count(actions),
            actions_done=Count(actions, filter=Q(cap__actions__status=Action.Status.DONE)),
            actions_overdue=Count(
                actions,
                filter=Q(
                    cap__actions__status=Action.Status.PLANNED, cap__actions__due_on__lt=today
                ),
            ),
        )
    )


def get_finding(*, organisation: Organisation, finding_id) -> Finding:
    """One of the buyer's findings with its plan (as findings_with_plans), else 404."""
    return get_object_or_404(findings_with_plans(organisation=organisation), pk=finding_id)


def plan_actions(*, finding: Finding) -> list[Action]:
    """The actions of the finding's plan, in order (none before a plan is proposed)."""
    cap = getattr(finding, "cap", None)
    return list(cap.actions.order_by("position", "pk")) if cap else []


def disclosed_campaigns(*, organisation: Organisation) -> list[Campaign]:
    """The buyer's campaigns whose per-supplier answers it may see (policy.DETAILED_OK)."""
    campaigns = Campaign.objects.filter(
        organisation=organisation, mode=Campaign.Mode.DISCLOSED
    ).select_related("organisation")
    return [c for c in campaigns if policy.detailed_report_access(c) == policy.DETAILED_OK]


def disclosed_responses(*, organisation: Organisation) -> QuerySet[Response]:
    """The submitted, consented responses of those campaigns: the only answers a named
    finding may come from."""
    return (
        Response.objects.filter(
            campaign__in=disclosed_campaigns(organisation=organisation),
            status=Response.Status.SUBMITTED,
            consented_at__isnull=False,
        )
        .select_related("campaign")
        .order_by("campaign__name", "supplier_name", "pk")
    )


def own_responses(*, organisation: Organisation) -> QuerySet[Response]:
    """Every response of the buyer's campaigns (to refuse a confidential one by name)."""
    return Response.objects.filter(campaign__organisation=organisation).select_related(
        "campaign__organisation"
    )


def response_is_disclosed(*, organisation: Organisation, response: Response) -> bool:
    """Whether a finding about a named supplier may come from `response`."""
    campaign = response.campaign
    return (
        campaign.organisation_id == organisation.pk
        and policy.detailed_report_access(campaign) == policy.DETAILED_OK
        and response.status == Response.Status.SUBMITTED
        and response.consented_at is not None
    )


@dataclass
class Dashboard:
    """The buyer's remediation at a glance: open findings by severity, topic and country,
    the actions and plans overdue, and the median days from a finding to its close."""

    by_severity: list[tuple[str, int]]
    by_topic: list[tuple[str, int]]
    by_country: list[tuple[str, int]]
    open_count: int
    overdue_actions: int
    overdue_plans: int
    closed_count: int
    median_days_to_close: float | None


def _grouped(findings, field: str) -> dict[str, int]:
    rows = findings.values_list(field).annotate(n=Count("pk")).order_by()
    return dict(rows)


def dashboard(*, organisation: Organisation) -> Dashboard:
    """A handful of aggregate queries on the indexes (bench/remediation.py): the open
    findings in one GROUP BY (severity, topic, country), read from the covering index
    `finding_cells_idx` alone, and added up here by each dimension."""
    today = timezone.localdate()
    cells = (
        Finding.objects.filter(organisation=organisation, status__in=Finding.OPEN_STATUSES)
        .values_list("severity", "topic", "country")
        .annotate(n=Count("*"))
        .order_by()
    )
    severity: dict[str, int] = {}
    topic: dict[str, int] = {}
    country: dict[str, int] = {}
    for s_value, t_value, c_value, n in cells:
        severity[s_value] = severity.get(s_value, 0) + n
        topic[t_value] = topic.get(t_value, 0) + n
        country[c_value] = country.get(c_value, 0) + n
    overdue_actions = Action.objects.filter(
        organisation=organisation,
        status=Action.Status.PLANNED,
        due_on__lt=today,
        cap__finding__status=Finding.Status.ACCEPTED,
    ).count()
    overdue_plans = CorrectiveActionPlan.objects.filter(
        finding__organisation=organisation,
        finding__status__in=[Finding.Status.REQUESTED, Finding.Status.CHANGES],
        due_on__lt=today,
    ).count()
    closed = Finding.objects.filter(organisation=organisation, days_to_close__isnull=False)
    closed_count = closed.count()
    median = None
    if closed_count:
        middle = list(
            closed.order_by("days_to_close").values_list("days_to_close", flat=True)[
                (closed_count - 1) // 2 : closed_count // 2 + 1
            ]
        )
        median = sum(middle) / len(middle)
    return Dashboard(
        by_severity=[(s, severity.get(s, 0)) for s in Finding.Severity.values],
        by_topic=sorted(((t, n) for t, n in topic.items()), key=lambda r: (-r[1], r[0])),
        by_country=sorted(((c, n) for c, n in country.items()), key=lambda r: (-r[1], r[0])),
        open_count=sum(severity.values()),
        overdue_actions=overdue_actions,
        overdue_plans=overdue_plans,
        closed_count=closed_count,
        median_days_to_close=median,
    )


# --- The operator's view across buyers -------------------------------------------------------

# The dimensions of the operator's overview: the Finding field each groups by.
OPERATOR_DIMENSIONS = ("severity", "topic", "country")


@dataclass
class PooledCell:
    """One row of the operator's overview: a value of a dimension (or policy.OTHER, the
    values too small to show, merged), with its counts. `mean_days_to_close` is None where
    the closed findings behind it come from too few buyers."""

    value: str
    findings: int
    open: int
    closed: int
    mean_days_to_close: float | None


@dataclass
class OperatorOverview:
    min_buyers: int
    k: int
    shown: bool  # False: the findings of every buyer together are too few to show anything
    total: PooledCell | None
    by: dict[str, list[PooledCell]]


@dataclass
class _Part:
    """A value's findings, closed findings and their days, per buyer behind them, with the
    distinct suppliers of each buyer (a supplier belongs to one buyer's list, so distinct
    suppliers add up across buyers)."""

    findings: int = 0
    closed: int = 0
    days: int = 0
    suppliers: dict = field(default_factory=dict)  # buyer -> distinct suppliers
    closing_buyers: frozenset = frozenset()

    @property
    def buyers(self) -> frozenset:
        return frozenset(self.suppliers)


def _pooled(parts: list[_Part]) -> _Part:
    """Several values merged. A supplier may stand behind two values, so each buyer counts
    the most suppliers it has behind any one of them: never more than the truth."""
    suppliers: dict = {}
    for part in parts:
        for buyer, n in part.suppliers.items():
            suppliers[buyer] = max(suppliers.get(buyer, 0), n)
    return _Part(
        findings=sum(p.findings for p in parts),
        closed=sum(p.closed for p in parts),
        days=sum(p.days for p in parts),
        suppliers=suppliers,
        closing_buyers=frozenset().union(*(p.closing_buyers for p in parts)),
    )


def operator_overview(*, min_buyers: int | None = None, k: int | None = None) -> OperatorOverview:
    """Every buyer's findings together, by severity, topic and country, for the operator.

    Findings name their suppliers to their own buyer only; across buyers a figure is shown
    only where `policy.pooled_enough` says so: at least `min_buyers` distinct buyers (never
    fewer than policy.min_buyers_default()) and k findings, from at least `min_buyers`
    distinct suppliers too, so that no buyer's and no supplier's findings can be read from
    it. Smaller values are merged into "other" by `policy.breakdown_groups` (with the
    smallest shown values if "other" alone would be too small, so that a hidden value is
    never the total minus the values shown). The days to close are shown only where the
    closed findings behind the figure pass the same rule. One GROUP BY (value, buyer) per
    dimension, the distinct suppliers counted in SQL.
    """
    min_buyers = max(min_buyers or 0, policy.min_buyers_default())
    k = max(k or 0, settings.CONFIDENTIALITY_DEFAULT_MIN_RESPONSES)

    def passes(part: _Part) -> bool:
        return (
            policy.pooled_enough(
                buyers=part.buyers, responses=part.findings, k=k, min_buyers=min_buyers
            )
            and sum(part.suppliers.values()) >= min_buyers
        )

    def cell(value: str, part: _Part) -> PooledCell:
        closing_ok = policy.pooled_enough(
            buyers=part.closing_buyers, responses=part.closed, k=k, min_buyers=min_buyers
        )
        return PooledCell(
            value=value,
            findings=part.findings,
            open=part.findings - part.closed,
            closed=part.closed,
            mean_days_to_close=round(part.days / part.closed, 1) if closing_ok else None,
        )

    closed = Q(status=Finding.Status.CLOSED)
    by: dict[str, list[PooledCell]] = {}
    everything: list[_Part] = []
    for dimension in OPERATOR_DIMENSIONS:
        rows = (
            Finding.objects.filter(organisation__kind=Organisation.Kind.BUYER)
            .values_list(dimension, "organisation_id")
            .annotate(
                n=Count("*"),
                suppliers=Count("supplier_id", distinct=True),
                closed=Count("pk", filter=closed),
                days=Sum("days_to_close", filter=closed),
            )
            .order_by()
        )
        parts: dict[str, _Part] = {}
        for value, buyer, n, suppliers, closed_n, days in rows:
            part = parts.setdefault(value, _Part())
            part.findings += n
            part.closed += closed_n
            part.days += days or 0
            part.suppliers[buyer] = suppliers
            if closed_n:
                part.closing_buyers |= {buyer}
        if dimension == OPERATOR_DIMENSIONS[0]:
            everything = list(parts.values())
        shown, other = policy.breakdown_groups(
            {value: part.findings for value, part in parts.items()},
            k,
            big_enough=lambda values, parts=parts: passes(_pooled([parts[v] for v in values])),
        )
        cells = [cell(value, parts[value]) for value in shown]
        if other and shown:
            cells.append(cell(policy.OTHER, _pooled([parts[v] for v in other])))
        by[dimension] = cells
    # Every finding has one severity: the severities together are all the findings.
    total = _pooled(everything)
    if not passes(total):
        return OperatorOverview(min_buyers=min_buyers, k=k, shown=False, total=None, by={})
    return OperatorOverview(min_buyers=min_buyers, k=k, shown=True, total=cell("", total), by=by)


def year_figures(*, organisation: Organisation, start, end) -> dict:
    """What a yearly statement reports of remediation between `start` and `end` (aware
    datetimes, end excluded): findings recorded and closed, plans requested, accepted and
    verified, findings still open at the end, and the median days to close of those closed
    in the period. A handful of counts on the findings' indexes."""
    findings = Finding.objects.filter(organisation=organisation)
    opened = findings.filter(created_at__gte=start, created_at__lt=end)
    closed = findings.filter(closed_at__gte=start, closed_at__lt=end)
    caps = CorrectiveActionPlan.objects.filter(finding__organisation=organisation)
    days = sorted(d for d in closed.values_list("days_to_close", flat=True) if d is not None)
    median = None
    if days:
        middle = days[(len(days) - 1) // 2 : len(days) // 2 + 1]
        median = sum(middle) / len(middle)
    return {
        "opened": opened.count(),
        "opened_by_severity": dict(_grouped(opened, "severity")),
        "closed": closed.count(),
        "still_open": findings.filter(created_at__lt=end).exclude(closed_at__lt=end).count(),
        "caps_requested": caps.filter(opened_at__gte=start, opened_at__lt=end).count(),
        "caps_accepted": caps.filter(accepted_at__gte=start, accepted_at__lt=end).count(),
        "caps_verified": caps.filter(verified_at__gte=start, verified_at__lt=end).count(),
        "median_days_to_close": median,
    }
