import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

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


# Words of a company name that do not tell two companies apart ("Mekong Garments Co., Ltd."
# and "MEKONG GARMENTS" are the same applicant).
_LEGAL_FORMS = re.compile(
    r"\b(co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|sas|"
    r"srl|bv|nv|kk|pte|pty|pt|tbk|jsc|cv|sdn|bhd|the)\b"
    r"|株式会社|有限会社|合同会社|\(株\)|（株）",
    re.IGNORECASE,
)
_NOT_WORD = re.compile(r"[\W_]+")


def company_key(name: str) -> str:
    """A company name compared without case, punctuation or legal form."""
    return _NOT_WORD.sub("", _LEGAL_FORMS.sub(" ", name.casefold()))


@dataclass
class Duplicates:
    """What an application may repeat: earlier applications from the same e-mail address or
    for the same company (any status), and buyer organisations of the same name or with the
    contact among their members."""

    applications: list[Application]
    organisations: list[Organisation]

    def __bool__(self) -> bool:
        return bool(self.applications or self.organisations)


def application_duplicates(application: Application) -> Duplicates:
    """Possible duplicates of an application, for the operator to see before deciding.

    A company that applies twice (a second contact, a typo fixed, no answer yet) would
    otherwise become two organisations. Names are compared by `company_key`, in Python over
    the applications and buyers of the same country: a few hundred rows at most.
    """
    key = company_key(application.organisation_name)
    others = (
        Application.objects.exclude(pk=application.pk)
        .filter(Q(email__iexact=application.email) | Q(country=application.country))
        .select_related("organisation")
        .order_by("-created_at")
    )
    applications = [
        other
        for other in others
        if other.email.lower() == application.email.lower()
        or company_key(other.organisation_name) == key
    ]
    member_of = set(
        Membership.objects.filter(user__email__iexact=application.email).values_list(
            "organisation_id", flat=True
        )
    )
    buyers = Organisation.objects.filter(kind=Organisation.Kind.BUYER).filter(
        Q(country=application.country) | Q(pk__in=member_of)
    )
    organisations = [
        organisation
        for organisation in buyers.order_by("name")
        if organisation.pk != application.organisation_id
        and (company_key(organisation.name) == key or organisation.pk in member_of)
    ]
    return Duplicates(applications=applications, organisations=organisations)
