from django.db.models import QuerySet

from hrdd.organisations.models import Application


def applications_for_operator(*, status: str | None = None) -> QuerySet[Application]:
    """Applications, newest first, optionally by status. Operator-only (checked by the view)."""
    queryset = Application.objects.select_related("questionnaire", "organisation")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at")
