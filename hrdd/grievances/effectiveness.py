"""A channel against the UN Guiding Principles' effectiveness criteria for non-judicial
grievance mechanisms (UNGP 31, a-h), with what the data shows for each: languages offered,
time to acknowledge, share of cases with feedback, the reporters' satisfaction. Figures
from fewer than GRIEVANCE_MIN_CELL cases are not shown (statistics.py)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hrdd.grievances import statistics
from hrdd.grievances.models import Case, Channel, HelpContact, Message
from hrdd.grievances.selectors import channel_country


def _figure(value, text: str) -> str:
    if value is None:
        return _("%(text)s: no figure yet (fewer than %(count)d cases).") % {
            "text": text,
            "count": statistics.min_cell(),
        }
    return f"{text}: {value}"


def channel_assessment(channel: Channel, *, topic_labels: dict) -> list[dict]:
    cases = Case.objects.filter(channel=channel)
    figures = statistics.case_figures(cases, topic_labels=topic_labels)
    names = dict(settings.LANGUAGES)
    languages = ", ".join(str(names.get(code, code)) for code in channel.languages)
    replies = Message.objects.filter(case__channel=channel, kind=Message.Kind.REPORTER).count()
    country = channel_country(channel)
    helplines = HelpContact.objects.filter(country__in=[country, ""] if country else [""])
    return [
        {
            "name": _("Legitimate"),
            "meaning": _("Trusted by the workers it is for, and accountable for fair handling."),
            "evidence": [
                _(
                    "Reports are read by the grievance team of %(organisation)s only; the "
                    "supplier's management never sees them."
                )
                % {"organisation": channel.organisation.name},
                _figure(figures["total"], _("Cases received")),
            ],
        },
        {
            "name": _("Accessible"),
            "meaning": _("Known to the workers, with help for those who face barriers."),
            "evidence": [
                ngettext(
                    "%(count)d language offered: %(languages)s.",
                    "%(count)d languages offered: %(languages)s.",
                    len(channel.languages),
                )
                % {"count": len(channel.languages), "languages": languages},
                _(
                    "No account, no name, works without JavaScript; a printable poster with a "
                    "QR code."
                ),
            ],
        },
        {
            "name": _("Predictable"),
            "meaning": _("A clear procedure with an indicative time frame for each stage."),
            "evidence": [
                _("Acknowledgement due within %(ack)d days, feedback within %(feedback)d days.")
                % {
                    "ack": settings.GRIEVANCE_ACKNOWLEDGE_DAYS,
                    "feedback": settings.GRIEVANCE_FEEDBACK_DAYS,
                },
                _figure(figures["acknowledge_days"], _("Median days to acknowledge")),
                _figure(figures["acknowledged_on_time"], _("Acknowledged on time (%)")),
            ],
        },
        {
            "name": _("Equitable"),
            "meaning": _("Reporters have access to information, advice and expertise."),
            "evidence": [
                ngettext(
                    "%(count)d hotline or support organisation shown to reporters.",
                    "%(count)d hotlines and support organisations shown to reporters.",
                    helplines.count(),
                )
                % {"count": helplines.count()},
                _("Reporters can reply and add information at any time with their receipt."),
            ],
        },
        {
            "name": _("Transparent"),
            "meaning": _("Reporters are kept informed of progress and outcome."),
            "evidence": [
                _figure(figures["with_feedback"], _("Cases with feedback to the reporter (%)")),
                _figure(figures["close_days"], _("Median days to close")),
            ],
        },
        {
            "name": _("Rights-compatible"),
            "meaning": _("Outcomes and remedies accord with internationally recognised rights."),
            "evidence": [
                _(
                    "Signs of forced labour alert the handlers and show the reporter where to "
                    "get help; a referral checklist puts the worker's safety first."
                ),
                _("Reports are encrypted and deleted after the retention period."),
            ],
        },
        {
            "name": _("A source of continuous learning"),
            "meaning": _("Lessons drawn to improve the mechanism and prevent future harm."),
            "evidence": [_figure(row["count"], str(row["label"])) for row in figures["by_topic"]]
            or [_("No case yet.")],
        },
        {
            "name": _("Based on engagement and dialogue"),
            "meaning": _("Designed with the workers it is for, and answering them."),
            "evidence": [
                _figure(statistics.shown(replies), _("Replies from reporters")),
                _figure(figures["satisfied"], _("Reporters satisfied with the handling (%)")),
            ],
        },
    ]
