"""A buyer's invitations of its suppliers to a campaign: one per supplier and address, each
sent as personal links by e-mail, and the rounds of reminders."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """A supplier's personal link to one campaign, bound to one e-mail address.

    Each e-mail carries its own random token (an InvitationToken; only hashes are stored), so a
    reminder never breaks the link of an earlier e-mail, and revoking kills them all. Every
    token leads to the same response: the supplier's draft follows it from link to link.
    Opening a link (GET) changes nothing, so mail scanners cannot use it up.

    The response, its draft, its receipt and its status belong to the address the invitation
    was made for (`email`), never to the supplier-list entry: when the buyer changes the
    entry's address, this invitation is superseded (its links keep working for whoever holds
    them, nothing more is sent from it) and a new, blank one is made for the new address.
    So no link the buyer can have sent opens answers entered under another address
    (docs/privacy.md, "Supplier-owned responses").
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="invitations"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.CASCADE, related_name="invitations"
    )
    # The address every e-mail of this invitation goes to; it never changes.
    email = models.EmailField(_("e-mail"))
    response = models.OneToOneField(
        "responses.Response",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
    )
    # The newest e-mail carrying a link (invitation or re-send): its delivery status.
    last_email = models.ForeignKey(
        "notifications.OutboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    send_count = models.PositiveSmallIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when the supplier's address changed: a newer invitation is the supplier's current one.
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The tables kept the names they had in the suppliers app (migration 0001).
        db_table = "suppliers_invitation"
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "supplier"],
                condition=models.Q(superseded_at=None),
                name="invitation_unique_current",
            )
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class InvitationToken(models.Model):
    """The hash of one token sent in one e-mail; the token itself is never stored."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "suppliers_invitationtoken"

    def __str__(self) -> str:
        return f"token of invitation {self.invitation_id}"


class ReminderRun(models.Model):
    """One round of reminders of a campaign; the unique key makes each round happen once,
    however often its task runs ("7d" for the automatic one 7 days before close, or
    "manual-<date>" for the buyer's button)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="reminder_runs"
    )
    key = models.CharField(max_length=40)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "suppliers_reminderrun"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="reminder_run_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.key}"
