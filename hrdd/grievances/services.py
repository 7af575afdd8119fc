"""Every write of the grievance channel: keys, channels, reports, the conversation, states,
deletion. Content is encrypted here and nowhere else stored in clear (crypto.py)."""

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.grievances import crypto, redflags, tasks
from hrdd.grievances.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseKey,
    Channel,
    HandlerKey,
    HelpContact,
    Message,
)
from hrdd.grievances.selectors import handler_keys
from hrdd.notifications.services import email_queue
from hrdd.organisations.models import Organisation
from hrdd.remediation.services import create_finding
from hrdd.suppliers.models import Site
from hrdd.webhooks.services import event_emit

REPORT_FIELDS = ("what", "where", "since", "who", "want", "contact")
_SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MIN_PASSPHRASE = 10


def _coarse_now():
    """Now, to the hour: enough for deadlines, too coarse to match against access logs."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


@transaction.atomic
def handler_key_create(*, user, passphrase: str) -> HandlerKey:
    """The handler's key pair, its private half locked with `passphrase`. A handler who
    forgets the passphrase makes a new key; cases are then shared again by another handler
    (case_key_share), or stay unreadable to them."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            _("The passphrase needs at least %(count)d characters.") % {"count": MIN_PASSPHRASE}
        )
    HandlerKey.objects.filter(user=user).delete()
    return HandlerKey.objects.create(user=user, **crypto.new_keypair(passphrase))


def handler_key_unlock(*, key: HandlerKey, passphrase: str) -> bytes:
    """The private key, or ValidationError for a wrong passphrase."""
    try:
        return crypto.unlock_private_key(
            passphrase,
            locked=key.locked_private_key,
            salt=key.salt,
            opslimit=key.opslimit,
            memlimit=key.memlimit,
        )
    except crypto.Undecryptable:
        raise ValidationError(_("This passphrase does not unlock your key.")) from None


def _new_slug() -> str:
    while True:
        slug = "".join(secrets.choice(_SLUG_ALPHABET) for _i in range(8))
        if not Channel.objects.filter(slug=slug).exists():
            return slug


@transaction.atomic
def channel_create(
    *, organisation: Organisation, name: str, languages: list[str], site: Site | None = None
) -> Channel:
    """A channel that reports to `organisation`'s handlers. It needs one handler with a key
    already, or no report sent through it could be read."""
    if not handler_keys(organisation=organisation).exists():
        raise ValidationError(
            _("Set your grievance passphrase first: reports are encrypted to the handlers' keys.")
        )
    if site is not None and site.supplier.organisation_id != organisation.pk:
        raise ValidationError(_("This site is not one of your suppliers'."))
    known = dict(settings.LANGUAGES)
    languages = [code for code in dict.fromkeys(languages) if code in known] or ["en"]
    return Channel.objects.create(
        organisation=organisation, name=name, site=site, languages=languages, slug=_new_slug()
    )


@transaction.atomic
def case_report(
    *,
    channel: Channel,
    language: str,
    answers: dict[str, str],
    attachments: list[tuple[str, bytes]] = (),
    passphrase: str = "",
) -> tuple[Case, str]:
    """Store a report encrypted and return it with its receipt code (shown once, never
    stored: only its keyed hash and the data key locked with it are)."""
    keys = list(handler_keys(organisation=channel.organisation))
    if not keys:
        raise ValidationError(_("This channel is not taking reports at the moment."))
    data_key = crypto.new_data_key()
    code = crypto.new_receipt_code()
    salt = secrets.token_bytes(crypto.SALT_BYTES)
    content = {name: answers.get(name, "") for name in REPORT_FIELDS}
    content["indicators"] = redflags.indicators_from(answers)
    case = Case.objects.create(
        channel=channel,
        language=language,
        received_at=_coarse_now(),
        receipt_lookup=crypto.receipt_lookup(code, settings.SECRET_KEY),
        receipt_salt=salt,
        receipt_locked_key=crypto.encrypt(crypto.receipt_key(code, passphrase, salt), data_key),
        content=crypto.encrypt(data_key, json.dumps(content).encode()),
    )
    CaseKey.objects.bulk_create(
        CaseKey(case=case, handler_key=key, sealed=crypto.seal(key.public_key, data_key))
        for key in keys
    )
    Attachment.objects.bulk_create(
        Attachment(
            case=case,
            media_type=media_type,
            size=len(data),
            content=crypto.encrypt(data_key, data),
        )
        for media_type, data in attachments
    )
    if content["indicators"]:
        _red_flag(case)
    return case, code


def _red_flag(case: Case) -> None:
    """Flag the case and alert its handlers, once: by e-mail, with no content of the report
    (only that a case needs urgent attention, and the link)."""
    if case.red_flagged_at is not None:
        return
    case.red_flagged_at = _coarse_now()
    case.save(update_fields=["red_flagged_at"])
    CaseEvent.objects.create(case=case, at=timezone.now(), kind=CaseEvent.Kind.RED_FLAG)
    organisation = case.channel.organisation
    link = settings.SITE_URL + reverse("grievances:case", args=[organisation.pk, case.pk])
    for key in handler_keys(organisation=organisation).select_related("user").distinct():
        user = key.user
        email_queue(
            to=user.email,
            template="grievance_red_flag",
            language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
            context={"channel_name": case.channel.name, "case_number": case.pk, "link": link},
        )


@transaction.atomic
def case_indicators_add(*, case: Case, data_key: bytes, answers: dict) -> list[str]:
    """Add the indicators ticked in a reporter's reply to the (encrypted) report; a first
    indicator flags the case. Returns the case's indicators."""
    new = redflags.indicators_from(answers)
    content = json.loads(crypto.decrypt(data_key, case.content))
    known = content.get("indicators", [])
    merged = known + [i for i in new if i not in known]
    if merged != known:
        content["indicators"] = merged
        case.content = crypto.encrypt(data_key, json.dumps(content).encode())
        case.save(update_fields=["content"])
    if merged:
        _red_flag(case)
    return merged


def help_contact_save(*, form) -> HelpContact:
    """Save the operator's entry of the help directory (a validated HelpContactForm)."""
    return form.save()


# A salt for the derivation done when no case has the code, so that a wrong code costs the
# same argon2id time as a right one (no timing oracle on whether a code exists).
_DECOY_SALT = b"\x00" * crypto.SALT_BYTES


def receipt_open(*, channel: Channel, code: str, passphrase: str) -> tuple[Case, bytes] | None:
    """The case and its data key for a reporter's receipt, else None: the same None, after
    the same work, for a code that does not exist, a wrong passphrase or another channel's
    code."""
    case = Case.objects.filter(
        channel=channel, receipt_lookup=crypto.receipt_lookup(code, settings.SECRET_KEY)
    ).first()
    salt = bytes(case.receipt_salt) if case else _DECOY_SALT
    key = crypto.receipt_key(code, passphrase, salt)  # argon2id either way: the same time
    if case is None:
        return None
    try:
        return case, crypto.decrypt(key, case.receipt_locked_key)
    except crypto.Undecryptable:
        return None


def case_data_key(*, case: Case, user, private_key: bytes) -> bytes | None:
    """The case's data key for a handler with an unlocked key, or None if it was not shared
    with them. Shares it on with the organisation's other handlers who lack it (a handler
    who joined, or made a new key, after the report came in)."""
    sealed = (
        CaseKey.objects.filter(case=case, handler_key__user=user)
        .values_list("sealed", flat=True)
        .first()
    )
    if sealed is None:
        return None
    try:
        data_key = crypto.unseal(private_key, sealed)
    except crypto.Undecryptable:
        return None
    missing = handler_keys(organisation=case.channel.organisation).exclude(
        pk__in=CaseKey.objects.filter(case=case).values("handler_key")
    )
    CaseKey.objects.bulk_create(
        CaseKey(case=case, handler_key=key, sealed=crypto.seal(key.public_key, data_key))
        for key in missing
    )
    return data_key


@transaction.atomic
def case_message_add(
    *, case: Case, data_key: bytes, kind: str, body: str, by=None, attachments=()
) -> Message:
    """A turn of the conversation (reporter or handler) or an internal note, encrypted.
    A handler's first reply acknowledges the case."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message first."))
    reporter = kind == Message.Kind.REPORTER
    message = Message.objects.create(
        case=case,
        kind=kind,
        author=None if reporter else by,
        created_at=_coarse_now() if reporter else timezone.now(),
        body=crypto.encrypt(data_key, body.encode()),
    )
    Attachment.objects.bulk_create(
        Attachment(case=case, media_type=t, size=len(d), content=crypto.encrypt(data_key, d))
        for t, d in attachments
    )
    if kind == Message.Kind.HANDLER:
        if case.state == Case.State.RECEIVED:
            case_state_set(case=case, state=Case.State.ACKNOWLEDGED, by=by)
        elif case.feedback_at is None:
            _feedback_given(case)
    return message


def _feedback_given(case: Case) -> None:
    if case.feedback_at is None:
        case.feedback_at = timezone.now()
        case.save(update_fields=["feedback_at"])


_NEXT = {
    Case.State.RECEIVED: {Case.State.ACKNOWLEDGED, Case.State.IN_PROGRESS, Case.State.CLOSED},
    Case.State.ACKNOWLEDGED: {Case.State.IN_PROGRESS, Case.State.CLOSED},
    Case.State.IN_PROGRESS: {Case.State.CLOSED},
    Case.State.CLOSED: {Case.State.IN_PROGRESS},  # reopened
}


def case_next_states(case: Case) -> list[str]:
    """The states the case may move to from where it is, in the order of the lifecycle."""
    return [state for state in Case.State.values if state in _NEXT.get(case.state, set())]


@transaction.atomic
def case_state_set(*, case: Case, state: str, by=None) -> Case:
    """Move the case on (received → acknowledged → in progress → closed; a closed case may
    be reopened). The first move acknowledges; closing starts the retention clock."""
    if state not in _NEXT.get(case.state, set()):
        raise ValidationError(_("A case cannot go from this state to that one."))
    now = timezone.now()
    case.state = state
    if case.acknowledged_at is None:
        case.acknowledged_at = now
        # Ids and the time only: nothing of what the worker wrote, nor when.
        event_emit(
            organisation_id=case.channel.organisation_id,
            event_type="grievance.case_acknowledged",
            key=f"grievance.case_acknowledged:{case.pk}",
            data={
                "case": {"id": case.pk, "acknowledged_at": now.isoformat()},
                "url": settings.SITE_URL
                + reverse("grievances:case", args=[case.channel.organisation_id, case.pk]),
            },
        )
    case.closed_at = now if state == Case.State.CLOSED else None
    case.save(update_fields=["state", "acknowledged_at", "closed_at"])
    CaseEvent.objects.create(
        case=case, at=now, kind=CaseEvent.Kind.STATE, by=by, detail=Case.State(state).label
    )
    if state == Case.State.CLOSED:
        due = now + timedelta(days=settings.GRIEVANCE_RETENTION_DAYS, minutes=1)
        transaction.on_commit(
            lambda: tasks.delete_closed_case.using(run_after=due).enqueue(case_id=case.pk)
        )
    return case


@transaction.atomic
def case_close_with_outcome(*, case: Case, data_key: bytes, outcome: str, by) -> Case:
    """Tell the reporter what was done (a message in the conversation) and close the case."""
    case_message_add(case=case, data_key=data_key, kind=Message.Kind.HANDLER, body=outcome, by=by)
    _feedback_given(case)
    return case_state_set(case=case, state=Case.State.CLOSED, by=by)


@transaction.atomic
def case_assign(*, case: Case, assignee, by) -> Case:
    """Give the case to one of its organisation's handlers (None: to nobody in particular).
    Reminders go to the assignee; escalations to the organisation's owners too."""
    if (
        assignee is not None
        and not handler_keys(organisation=case.channel.organisation).filter(user=assignee).exists()
    ):
        raise ValidationError(_("Assign the case to a handler of your organisation."))
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to"])
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.ASSIGNED,
        by=by,
        detail=str(assignee or "")[:200],
    )
    return case


def case_category_set(*, case: Case, category: str) -> Case:
    case.category = category
    case.save(update_fields=["category"])
    return case


def case_satisfaction_set(*, case: Case, answer: str) -> Case:
    """The reporter's answer to "are you satisfied?", once told the outcome (a closed
    case); kept in clear, for the channel's effectiveness figures."""
    if case.state != Case.State.CLOSED or answer not in Case.Satisfaction.values:
        raise ValidationError(_("This question is asked once the case is closed."))
    case.satisfaction = answer
    case.save(update_fields=["satisfaction"])
    return case


MIN_SUMMARY = 20


@transaction.atomic
def case_summary_forward(*, case: Case, data_key: bytes, summary: str, by) -> None:
    """Send the supplier of the channel's site a summary the handler wrote, and nothing
    else: no report, no message, no attachment, no date of receipt. The text sent is kept
    in the case as an internal note; the history records who sent it."""
    site = case.channel.site
    if site is None:
        raise ValidationError(_("This channel names no supplier site: there is nobody to send to."))
    summary = summary.strip()
    if len(summary) < MIN_SUMMARY:
        raise ValidationError(
            _("Write a summary of at least %(count)d characters.") % {"count": MIN_SUMMARY}
        )
    supplier = site.supplier
    known = dict(settings.LANGUAGES)
    email_queue(
        to=supplier.email,
        template="grievance_summary",
        language=supplier.language if supplier.language in known else settings.LANGUAGE_CODE,
        context={
            "buyer_name": case.channel.organisation.name,
            "site_name": site.name,
            "summary": summary,
        },
        contains_secret=True,
    )
    case_message_add(
        case=case,
        data_key=data_key,
        kind=Message.Kind.NOTE,
        body=_("Summary sent to %(supplier)s:") % {"supplier": supplier.name} + "\n" + summary,
        by=by,
    )
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.FORWARDED,
        by=by,
        detail=supplier.name[:200],
    )


@transaction.atomic
def case_finding_record(
    *, case: Case, data_key: bytes, topic: str, severity: str, title: str, evidence: str, by
):
    """Turn what a case showed into a finding about the supplier of the channel's site, so
    that the buyer can ask it for a corrective action plan. The handler writes the title
    and the evidence (the supplier sees them with the plan): nothing of the report, the
    messages or the files is copied, the finding names the case only by its number, and
    its date is the day it is recorded, not the day the report came in. An internal note
    and the history keep that it was done and by whom."""
    site = case.channel.site
    if site is None:
        raise ValidationError(
            _("This channel names no supplier site: a finding needs the supplier it is about.")
        )
    organisation = case.channel.organisation
    if site.supplier.organisation_id != organisation.pk:
        raise ValidationError(
            _("Only the buyer whose supplier list holds this site can record a finding.")
        )
    finding = create_finding(
        organisation=organisation,
        supplier=site.supplier,
        site=site,
        source="grievance",
        reference=_("Grievance case %(number)s") % {"number": case.pk},
        topic=topic,
        severity=severity,
        title=title,
        evidence=evidence,
        observed_on=timezone.localdate(),
        by=by,
    )
    case_message_add(
        case=case,
        data_key=data_key,
        kind=Message.Kind.NOTE,
        body=_("Finding recorded for %(supplier)s:") % {"supplier": site.supplier.name}
        + "\n"
        + title.strip(),
        by=by,
    )
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=CaseEvent.Kind.FINDING,
        by=by,
        detail=str(finding.pk),
    )
    return finding
