"""Where a buyer stands on the six steps of the OECD due-diligence cycle, read from what it
has done in the product: its documents, its supplier list and ranking, its campaigns, its
findings and corrective action plans, its grievance channel. Each step says what the data
shows and suggests the next action; nothing is ticked by hand."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hrdd.campaigns.selectors import campaigns_for_organisation
from hrdd.cycle.models import PolicyDocument
from hrdd.grievances import selectors as grievances
from hrdd.impact import selectors as impact
from hrdd.reference import selectors as reference
from hrdd.remediation import selectors as remediation
from hrdd.risk import selectors as risk
from hrdd.suppliers.selectors import suppliers_for_list

DONE, STARTED, TODO = "done", "started", "todo"
STATUS_LABELS = {DONE: _("In place"), STARTED: _("Started"), TODO: _("Not started")}

# The six steps in our words (translatable); the dataset's edition is cited as the source.
STEPS = {
    1: (
        _("Embed responsible business conduct in policies and management systems"),
        _("Adopt a human-rights policy and a supplier code, and build them into how you buy."),
    ),
    2: (
        _("Identify and assess adverse impacts"),
        _("Scope where harm is most likely and most severe, assess it in depth, prioritise."),
    ),
    3: (
        _("Cease, prevent and mitigate adverse impacts"),
        _("Act on what you found: corrective action plans with your suppliers."),
    ),
    4: (
        _("Track implementation and results"),
        _("Check that actions were carried out and that they worked."),
    ),
    5: (
        _("Communicate how impacts are addressed"),
        _("Publish what you did, found and changed: your statement or report."),
    ),
    6: (
        _("Provide for or cooperate in remediation"),
        _("Remedy harm, and give workers a channel they can trust to raise it."),
    ),
}


@dataclass
class Step:
    number: int
    name: str
    summary: str
    status: str = TODO
    facts: list[str] = field(default_factory=list)
    next_text: str = ""
    next_url: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def documents(*, organisation) -> list[PolicyDocument]:
    return list(
        PolicyDocument.objects.filter(organisation=organisation)
        .defer("content")
        .order_by("kind", "-adopted_on", "-pk")
    )


def get_document(*, organisation, document_id: int) -> PolicyDocument | None:
    return PolicyDocument.objects.filter(organisation=organisation, pk=document_id).first()


def source_edition():
    """The OECD steps dataset's current edition, cited as the source of the six steps."""
    return reference.current_edition("oecd_steps")


def cycle(*, organisation, docs: list[PolicyDocument] | None = None) -> list[Step]:
    """The six steps; `docs`: the buyer's documents when the caller has read them already."""
    steps = {n: Step(n, str(name), str(summary)) for n, (name, summary) in STEPS.items()}
    if docs is None:
        docs = documents(organisation=organisation)
    kinds = {d.kind for d in docs}
    org = organisation.pk

    # 1. Embed: the policies the buyer adopted.
    one = steps[1]
    policies = [d for d in docs if d.kind != PolicyDocument.Kind.STATEMENT]
    for d in policies:
        one.facts.append(
            _("%(kind)s: %(title)s, adopted %(date)s")
            % {"kind": d.get_kind_display(), "title": d.title, "date": d.adopted_on}
        )
    if {PolicyDocument.Kind.POLICY, PolicyDocument.Kind.CODE} <= kinds:
        one.status = DONE
    elif policies:
        one.status = STARTED
    if PolicyDocument.Kind.POLICY not in kinds:
        one.next_text = str(_("Upload your human-rights policy."))
    elif PolicyDocument.Kind.CODE not in kinds:
        one.next_text = str(_("Upload the code of conduct you ask suppliers to follow."))
    if one.next_text:
        one.next_url = reverse("cycle:document_add", args=[org])

    # 2. Identify: the list, the ranking, the campaigns.
    two = steps[2]
    supplier_count = suppliers_for_list(organisation=organisation).count()
    run = risk.latest_ranking(organisation=organisation)
    campaigns = list(campaigns_for_organisation(organisation=organisation))
    two.facts.append(
        ngettext("%(n)s supplier on your list", "%(n)s suppliers on your list", supplier_count)
        % {"n": f"{supplier_count:,}"}
    )
    if run is not None:
        two.facts.append(
            _("Ranked by risk on %(date)s: %(high)s high, %(medium)s medium")
            % {
                "date": run.finished_at.date(),
                "high": run.levels.get("high", 0),
                "medium": run.levels.get("medium", 0),
            }
        )
    if campaigns:
        two.facts.append(
            ngettext("%(n)s assessment campaign", "%(n)s assessment campaigns", len(campaigns))
            % {"n": len(campaigns)}
        )
    projects = impact.projects_for_buyer(organisation=organisation).count()
    if projects:
        two.facts.append(
            ngettext("%(n)s impact assessment", "%(n)s impact assessments", projects)
            % {"n": projects}
        )
    if supplier_count and run is not None and campaigns:
        two.status = DONE
    elif supplier_count or campaigns:
        two.status = STARTED
    if not supplier_count:
        two.next_text = str(_("Add your suppliers or import your list."))
        two.next_url = reverse("suppliers:list", args=[org])
    elif run is None:
        two.next_text = str(_("Rank your suppliers by risk to see where to look first."))
        two.next_url = reverse("risk:priorities", args=[org])
    elif not campaigns:
        two.next_text = str(_("Send a questionnaire to the suppliers that come first."))
        two.next_url = reverse("campaigns:create", args=[org])

    # 3. Cease, prevent, mitigate; 4. track: the findings and their plans.
    board = remediation.dashboard(organisation=organisation)
    three, four = steps[3], steps[4]
    findings_url = reverse("remediation:list", args=[org])
    if board.open_count:
        three.facts.append(
            ngettext("%(n)s open finding", "%(n)s open findings", board.open_count)
            % {"n": board.open_count}
        )
    if board.overdue_plans:
        three.facts.append(
            ngettext(
                "%(n)s corrective action plan overdue from the supplier",
                "%(n)s corrective action plans overdue from suppliers",
                board.overdue_plans,
            )
            % {"n": board.overdue_plans}
        )
    if board.closed_count:
        three.status = four.status = DONE if not board.overdue_actions else STARTED
        four.facts.append(
            ngettext("%(n)s finding closed", "%(n)s findings closed", board.closed_count)
            % {"n": board.closed_count}
        )
        if board.median_days_to_close is not None:
            four.facts.append(
                _("Median time from finding to close: %(days)s days")
                % {"days": f"{board.median_days_to_close:g}"}
            )
    elif board.open_count:
        three.status = STARTED
    if board.overdue_actions:
        four.facts.append(
            ngettext("%(n)s action overdue", "%(n)s actions overdue", board.overdue_actions)
            % {"n": board.overdue_actions}
        )
        four.status = STARTED
        four.next_text = str(_("Follow up the overdue actions with the suppliers."))
        four.next_url = reverse("remediation:dashboard", args=[org])
    if not board.open_count and not board.closed_count:
        three.next_text = str(
            _("Record what you found (an audit, a visit, a disclosed answer) and ask for a plan.")
        )
        three.next_url = findings_url
    elif not board.closed_count:
        four.next_text = str(_("Verify the plans in progress and close what is done."))
        four.next_url = findings_url

    # 6. Remediate: the grievance channel workers can use, and its cases.
    six = steps[6]
    channels = grievances.channels_of(organisation=organisation).count()
    cases = grievances.cases_of(organisation=organisation)
    received = cases.count()
    closed = cases.filter(closed_at__isnull=False).count()
    if channels:
        six.facts.append(
            ngettext("%(n)s grievance channel", "%(n)s grievance channels", channels)
            % {"n": channels}
        )
        six.facts.append(
            _("Cases: %(received)s received, %(closed)s closed")
            % {"received": received, "closed": closed}
        )
        six.status = DONE if closed or not received else STARTED
    else:
        six.next_text = str(_("Open a grievance channel for the workers at your suppliers."))
        six.next_url = reverse("grievances:index", args=[org])

    # 5. Communicate: the statements it published.
    five = steps[5]
    statements = [d for d in docs if d.kind == PolicyDocument.Kind.STATEMENT]
    for d in statements:
        five.facts.append(
            _("%(title)s, published %(date)s") % {"title": d.title, "date": d.adopted_on}
        )
    if statements:
        five.status = DONE
    else:
        five.next_text = str(
            _("Upload the statement or report in which you published your due diligence.")
        )
        five.next_url = reverse("cycle:document_add", args=[org])
    return [steps[n] for n in sorted(steps)]
