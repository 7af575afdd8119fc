from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.services import outbox_kick_on_commit


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The operator's full view of delivery: every message, its status, attempts and error."""

    list_display = [
        "created_at",
        "to",
        "template",
        "campaign",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "template", "language", "campaign__organisation"]
    search_fields = ["to", "subject", "last_error"]
    list_select_related = ["campaign"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["send_again_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again now (failed or waiting to retry)"))
    def send_again_now(self, request, queryset):
        """A message that failed for good is sent again only if its content is still there:
        one holding a link had it erased, and a new link must be sent instead."""
        retryable = queryset.filter(
            status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.RETRYING]
        ).filter(~Q(body_text="") | ~Q(context={}))
        count = retryable.update(
            status=OutboundEmail.Status.RETRYING, next_attempt_at=timezone.now()
        )
        outbox_kick_on_commit()
        messages.success(
            request,
            ngettext(
                "%(count)d message will be sent again now.",
                "%(count)d messages will be sent again now.",
                count,
            )
            % {"count": count},
        )
