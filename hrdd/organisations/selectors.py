from django.db.models import QuerySet

from hrdd.organisations.models import Application, Membership, Organisation


def applications_for_operator(*, status: str | None = None) -> QuerySet[Application]:
    """Applications, newest first, optionally by status. Operator-only (checked by the view)."""
    queryset = Application.objects.select_related("questionnaire", "organisation")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at")


def user_is_operator_staff(user) -> bool:
    """Operator staff: superusers, users of the administration site and members of the
    operator organisation. They see across buyers, so their accounts get the stricter rules
    (two factors, a short idle timeout)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(
        user=user, organisation__kind=Organisation.Kind.OPERATOR
    ).exists()


def user_must_use_two_factor(user) -> bool:
    """Operator staff and the owners of an organisation must log in with a second factor:
    they can see everything of their tenant, change who belongs to it and who sees what."""
    if user_is_operator_staff(user):
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.OWNER).exists()
