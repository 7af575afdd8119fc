"""Operator insights across buyers, and the public pages the operator publishes."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.access import operator_required
from hrdd.organisations.models import Industry
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports.insights import INSIGHT_BREAKDOWNS, insights
from hrdd.reports.models import InsightPublication
from hrdd.reports.presenters import DIMENSION_TITLES, present_summary


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
        "reports/insights_index.html",
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
    report = present_summary(content=content, definition=questionnaire.latest_version().parsed)
    return render(
        request,
        "reports/insights.html",
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
    from django.utils import timezone

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
        "reports/insights_public.html",
        {
            "publication": publication,
            "content": publication.content,
            "report": present_summary(content=publication.content, definition=definition),
        },
    )
