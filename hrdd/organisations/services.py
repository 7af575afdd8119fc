from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_create
from hrdd.notifications.services import email_queue
from hrdd.organisations.models import Application, Membership, Organisation
from hrdd.organisations.selectors import application_duplicates
from hrdd.questionnaires.models import Questionnaire


def password_setup_path(user: User) -> str:
    """A one-time link to choose a password (Django's reset token: expires, single use)."""
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def application_submit(
    *,
    organisation_name: str,
    country: str,
    industry: str,
    contact_name: str,
    email: str,
    supplier_count: str,
    questionnaire: Questionnaire,
    languages: list[str],
    language: str,
) -> Application:
    """Record a business's application and confirm receipt to the contact by e-mail."""
    application = Application.objects.create(
        organisation_name=organisation_name,
        country=country,
        industry=industry,
        contact_name=contact_name,
        email=email.lower(),
        supplier_count=supplier_count,
        questionnaire=questionnaire,
        languages=languages,
        language=language,
        terms_accepted_at=timezone.now(),
    )
    email_queue(
        to=application.email,
        template="application_received",
        context={"application": application},
        language=language,
    )
    operator_staff = User.objects.filter(
        memberships__organisation__kind=Organisation.Kind.OPERATOR, is_active=True
    ).distinct()
    for staff in operator_staff:
        email_queue(
            to=staff.email,
            template="application_to_review",
            context={"application": application, "user": staff},
            language=staff.language,
        )
    return application


def _claim(application: Application, status: str, by: User) -> None:
    """Decide an application once: a double click or a second operator changes nothing."""
    decided = Application.objects.filter(
        pk=application.pk, status=Application.Status.SUBMITTED
    ).update(status=status, decided_at=timezone.now(), decided_by=by)
    if not decided:
        raise ValidationError(_("This application has already been decided."))
    application.refresh_from_db()


@transaction.atomic
def application_approve(
    *, application: Application, by: User, not_a_duplicate: bool = False
) -> Campaign:
    """Create the buyer organisation, the contact's account and a first campaign, and send
    the contact a link to set a password together with the campaign's response URL.

    A company that applied before, or already has an organisation (same name or same
    contact, `application_duplicates`), is not approved a second time unless the operator
    confirms it is a different company (`not_a_duplicate`): otherwise it would become two
    organisations with two lists and two sets of reports.
    """
    version = application.questionnaire.latest_version()
    if version is None:
        raise ValidationError(_("The chosen questionnaire has no published version."))
    duplicates = application_duplicates(application)
    approved = [a for a in duplicates.applications if a.status == Application.Status.APPROVED]
    if (duplicates.organisations or approved) and not not_a_duplicate:
        raise ValidationError(
            _(
                "This company may already be on the platform (see “Possible duplicates”). "
                "Reject this application as a duplicate, or confirm that it is a different "
                "company and approve again."
            ),
            code="duplicate",
        )
    _claim(application, Application.Status.APPROVED, by)
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.BUYER,
        name=application.organisation_name,
        country=application.country,
        industry=application.industry,
    )
    application.organisation = organisation
    application.save(update_fields=["organisation"])
    user = User.objects.filter(email__iexact=application.email).first()
    new_user = user is None
    if new_user:
        user = User.objects.create_user(
            email=application.email,
            full_name=application.contact_name,
            language=application.language,
        )
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.OWNER)
    campaign = campaign_create(
        organisation=organisation,
        questionnaire_version=version,
        name=application.questionnaire.title_in(application.language),
        languages=application.languages,
        by=by,
    )
    email_queue(
        to=user.email,
        template="application_approved",
        context={
            "application": application,
            "campaign": campaign,
            "user": user,
            "password_path": password_setup_path(user) if not user.has_usable_password() else "",
        },
        language=application.language,
        contains_secret=True,
    )
    return campaign


@transaction.atomic
def application_reject(*, application: Application, reason: str, by: User) -> Application:
    """Turn an application down with a reason, which the contact receives by e-mail."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the applicant a reason.")})
    _claim(application, Application.Status.REJECTED, by)
    application.rejection_reason = reason
    application.save(update_fields=["rejection_reason"])
    email_queue(
        to=application.email,
        template="application_rejected",
        context={"application": application},
        language=application.language,
    )
    return application
