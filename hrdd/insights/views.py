"""Operator insights across buyers, and the public pages the operator publishes."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd import policy
from hrdd.core.access import operator_required
from hrdd.insights.models import InsightPublication
from hrdd.insights.selectors import INSIGHT_BREAKDOWNS, insights
from hrdd.organisations.models import Industry
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports.presenters import DIMENSION_TITLES, present_summary


def present_insight(*, content: dict, definition) -> dict | None:
    """What an insight page shows: the Summary Report presentation (shares with margins,
    topic indicators, breakdown tables), with a note in place of each question whose figures
    come from too few buyers. None for a snapshot published before insights were sums of
    noisy releases (its content has no "epsilon"): it is not shown any more."""
    if "epsilon" not in content:
        return None
    withheld = {q["code"] for q in content["questions"] if q["status"] == policy.TOO_FEW_BUYERS}
    shown = {**content, "questions": [q for q in content["questions"] if q["code"] not in withheld]}
    report = present_summary(content=shown, definition=definition)
    if not withheld:
        return report
    language = get_language() or "en"
    note = _(
        "Not shown: the figures of this question would come from the suppliers of fewer than "
        "%(b)s buyers (or fewer than %(k)s responses)."
    ) % {"b": content["min_buyers"], "k": content["min_responses"]}
    for section, presented in zip(definition.sections, report["sections"], strict=True):
        by_code = {q["code"]: q for q in presented["questions"]}
        for question in section.questions:
            if question.code in withheld:
                by_code[question.code] = {
                    "code": question.code,
                    "text": question.text.get(language),
                    "status": policy.TOO_FEW_BUYERS,
                    "multiple": question.is_multiple,
                    "rows": [],
                    "grid": [],
                    "chart": None,
                    "note": note,
                }
        presented["questions"] = [by_code[q.code] for q in section.questions if q.code in by_code]
    return report


def _industry(request) -> str:
    value = request.GET.get("industry") or request.POST.get("industry") or ""
    return value if value in Industry.values else ""


def _breakdown(request) -> str:
    value = request.GET.get("by") or request.POST.get("by") or ""
    return value if value in INSIGHT_BREAKDOWNS else ""


def _breakdown_choices() -> list[tuple[str, str]]:
    return [(b, str(DIMENSION_TITLES[b])) for b in INSIGHT_BREAKDOWNS]


@operator_required
def insight_index(request):
    questionnaires = Questionnaire.objects.filter(versions__isnull=False).distinct()
    publications = InsightPublication.objects.select_related("questionnaire")
    return render(
        request,
        "insights/index.html",
        {"questionnaires": questionnaires, "publications": publications},
    )


@operator_required
def insight_detail(request, code):
    questionnaire = get_object_or_404(Questionnaire, code=code)
    industry = _industry(request)
    breakdown = _breakdown(request)
    content = insights(
        questionnaire=questionnaire, industry=industry or None, breakdown=breakdown or None
    )
    report = present_insight(content=content, definition=questionnaire.latest_version().parsed)
    return render(
        request,
        "insights/detail.html",
        {
            "questionnaire": questionnaire,
            "content": content,
            "report": report,
            "industry": industry,
            "industries": Industry.choices,
            "breakdown": breakdown,
            "breakdowns": _breakdown_choices(),
        },
    )


@operator_required
@require_POST
def insight_publish(request, code):
    questionnaire = get_object_or_404(Questionnaire, code=code)
    industry = _industry(request)
    content = insights(
        questionnaire=questionnaire,
        industry=industry or None,
        breakdown=_breakdown(request) or None,
    )
    if content["status"] != "ok":
        messages.error(request, _("There is nothing to publish yet: too few responses or buyers."))
        return redirect("insights:detail", code=code)
    title = request.POST.get("title", "").strip()[:200] or questionnaire.title_in("en")
    with transaction.atomic():
        publication = InsightPublication.objects.create(
            slug=f"{slugify(questionnaire.code)}-{get_random_string(6).lower()}",
            questionnaire=questionnaire,
            industry=industry,
            title=title,
            content=content,
            published_by=request.user,
        )
    messages.success(request, _("Published. The public page shows this snapshot until withdrawn."))
    return redirect("insights:public", slug=publication.slug)


@operator_required
@require_POST
def insight_withdraw(request, slug):
    InsightPublication.objects.filter(slug=slug, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    messages.success(request, _("The public page was withdrawn."))
    return redirect("insights:index")


def insight_public(request, slug):
    """Anyone may read a published insight; a withdrawn one is gone."""
    publication = get_object_or_404(
        InsightPublication.objects.select_related("questionnaire"), slug=slug
    )
    if publication.withdrawn_at:
        raise Http404
    definition = publication.questionnaire.latest_version().parsed
    return render(
        request,
        "insights/public.html",
        {
            "publication": publication,
            "content": publication.content,
            "report": present_insight(content=publication.content, definition=definition),
        },
    )
