"""Inherent risk pages: the heat map and the world map read the latest stored assessment."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from hrdd.core.access import buyer_memberships, is_operator, operator_required
from hrdd.risk import map as world
from hrdd.risk import method, selectors
from hrdd.risk.services import assessment_compute


def member_required(view):
    """Buyer members and operator staff; anyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (is_operator(request.user) or buyer_memberships(request.user).exists()):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _context(request) -> dict:
    assessment = selectors.latest_assessment()
    topic = selectors.topic_or_default(request.GET.get("topic"))
    context = {
        "assessment": assessment,
        "topic": topic,
        "topic_label": selectors.TOPIC_LABELS[topic],
        "topics": list(selectors.TOPIC_LABELS.items()),
        "levels": [(level, selectors.LEVEL_LABELS[level]) for level in method.LEVELS],
        "can_compute": is_operator(request.user),
    }
    if assessment is not None:
        context["editions"] = selectors.assessment_editions(assessment)
        context["newer"] = selectors.newer_editions(assessment)
    return context


@member_required
def heat_map(request):
    context = _context(request)
    if context["assessment"] is not None:
        context["rows"] = selectors.heat_map(context["assessment"], context["topic"])
        context["sectors"] = list(selectors.SECTOR_LABELS.values())
    return render(request, "risk/heat_map.html", context)


@member_required
def world_map(request):
    context = _context(request)
    assessment = context["assessment"]
    if assessment is not None:
        levels = selectors.country_levels(assessment, context["topic"])
        names = {code: str(countries.name(code) or code) for code in world.outlines()}
        context["svg"] = world.world_map(
            levels=levels,
            names=names,
            labels={k: str(v) for k, v in selectors.LEVEL_LABELS.items()},
            title=_("World map of inherent risk: %(topic)s") % {"topic": context["topic_label"]},
        )
        context["counts"] = [
            (label, sum(1 for v in levels.values() if v == level))
            for level, label in selectors.LEVEL_LABELS.items()
        ]
    return render(request, "risk/world_map.html", context)


@require_POST
@operator_required
def compute(request):
    try:
        assessment_compute(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The risk assessment was computed with the current editions."))
    return redirect("risk:heat_map")
