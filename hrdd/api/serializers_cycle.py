"""The shapes of the Summary Report, findings and grievance statistics in the API. Each
holds only what the matching page shows: the report's released shares and margins (never a
count from the answers), a finding and its plan, the grievance figures with small cells
hidden (null)."""

from rest_framework import serializers

from hrdd.remediation.models import TOPICS, Action, CorrectiveActionPlan, Finding


def _choices(choices) -> list[str]:
    return [value for value, _label in choices]


# The choice sets named in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
FINDING_STATUSES = _choices(Finding.Status.choices)
ACTION_STATUSES = _choices(Action.Status.choices)


# --- Summary Report --------------------------------------------------------------------------


class ReportAnswerSerializer(serializers.Serializer):
    """One answer of a released figure: its share of responding suppliers in percent, within
    `margin` points of the true share 19 times out of 20."""

    code = serializers.CharField()
    label = serializers.CharField()
    share = serializers.IntegerField()
    margin = serializers.IntegerField()
    risk = serializers.CharField(help_text="'High risk', 'Medium risk' or empty.")
    special = serializers.BooleanField(help_text="'No answer', 'Prefer not to say' and the like.")


class ReportGridRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    answers = ReportAnswerSerializer(many=True)
    note = serializers.CharField(help_text="Why the row's figures are not shown, if they are not.")


class ReportQuestionSerializer(serializers.Serializer):
    section = serializers.CharField()
    code = serializers.CharField()
    text = serializers.CharField()
    status = serializers.CharField(
        help_text="What the policy released: shown, grid, uncertain, free_text, "
        "unsummarised or no_budget."
    )
    multiple = serializers.BooleanField()
    answers = ReportAnswerSerializer(many=True)
    grid = ReportGridRowSerializer(many=True)
    note = serializers.CharField()


class ReportIndicatorSerializer(serializers.Serializer):
    """The share of responding suppliers with at least one answer signalling a risk on the
    topic; `share` and `margin` are null while too uncertain to show."""

    topic = serializers.CharField()
    status = serializers.CharField()
    share = serializers.IntegerField(allow_null=True)
    margin = serializers.IntegerField(allow_null=True)


class ReportMeasureSerializer(serializers.Serializer):
    topic = serializers.CharField()
    level = serializers.ChoiceField(choices=["high", "medium"])
    questions = serializers.ListField(child=serializers.CharField())
    actions = serializers.ListField(child=serializers.CharField())
    sources = serializers.ListField(child=serializers.CharField())


class ReleaseSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    response_count = serializers.IntegerField(
        help_text="The responses the release is based on (not the live count)."
    )


class SummaryReportSerializer(serializers.Serializer):
    """The campaign's latest Summary Report release as its page shows it, or `released`
    false and `release` null (with `detail` saying when it comes) before the first one."""

    campaign_id = serializers.IntegerField()
    released = serializers.BooleanField()
    detail = serializers.CharField(help_text="Why there is no result yet; empty once released.")
    min_responses = serializers.IntegerField()
    max_margin = serializers.IntegerField(
        help_text="Figures are shown once their margin is this many points or less."
    )
    release = ReleaseSerializer(allow_null=True)
    indicators = ReportIndicatorSerializer(many=True)
    questions = ReportQuestionSerializer(many=True)
    measures = ReportMeasureSerializer(many=True)


# --- Findings and corrective action plans ----------------------------------------------------


class ActionCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Still planned after their due date.")


class PlanSerializer(serializers.Serializer):
    due_on = serializers.DateField(help_text="When the supplier's plan is (or was) due.")
    requested_at = serializers.DateTimeField()
    proposed_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    verification = serializers.ChoiceField(
        choices=["", *_choices(CorrectiveActionPlan.Verification.choices)]
    )
    actions = ActionCountsSerializer()


class FindingSerializer(serializers.Serializer):
    """One finding at a supplier of the buyer's list, with its plan (null until a plan is
    asked for) and its actions counted."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    supplier_id = serializers.IntegerField()
    supplier_name = serializers.CharField()
    site = serializers.CharField(help_text="The site's name, or empty.")
    country = serializers.CharField()
    topic = serializers.ChoiceField(choices=list(TOPICS))
    severity = serializers.ChoiceField(choices=_choices(Finding.Severity.choices))
    status = serializers.ChoiceField(choices=FINDING_STATUSES)
    source = serializers.ChoiceField(choices=_choices(Finding.Source.choices))
    campaign = serializers.CharField(
        help_text="The disclosed campaign it comes from (source 'assessment'), or empty."
    )
    reference = serializers.CharField(help_text="The source's reference (a grievance case's).")
    observed_on = serializers.DateField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    days_to_close = serializers.IntegerField(allow_null=True)
    plan = PlanSerializer(allow_null=True)


class ActionSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=_choices(Action.Kind.choices))
    description = serializers.CharField()
    owner = serializers.CharField(help_text="Who is in charge at the supplier.")
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ACTION_STATUSES)
    completion_note = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)


class PlanDetailSerializer(PlanSerializer):
    root_cause = serializers.CharField()
    review_note = serializers.CharField(help_text="The changes the buyer asked for, if any.")
    extension_until = serializers.DateField(
        allow_null=True, help_text="More time the supplier asks for, until this date."
    )
    action_list = ActionSerializer(many=True)


class FindingDetailSerializer(FindingSerializer):
    evidence = serializers.CharField()
    plan = PlanDetailSerializer(allow_null=True)


# --- Grievance statistics --------------------------------------------------------------------


class CountRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The topic or country code; empty if none.")
    label = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="null: too few cases to show.")


class GrievanceStatisticsSerializer(serializers.Serializer):
    """The grievance statistics page's figures: every figure is null where it rests on fewer
    than `min_cell` cases (and one more cell of a breakdown is hidden where the hidden ones
    could be worked out from the total). Never a case's content."""

    min_cell = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True)
    acknowledge_days = serializers.FloatField(allow_null=True, help_text="Median days.")
    acknowledged_on_time = serializers.IntegerField(allow_null=True, help_text="Percent.")
    close_days = serializers.FloatField(allow_null=True, help_text="Median days.")
    with_feedback = serializers.IntegerField(
        allow_null=True, help_text="Percent of cases with feedback to the reporter."
    )
    by_topic = CountRowSerializer(many=True)
    by_country = CountRowSerializer(many=True)
