"""Figures about cases for the effectiveness page and the aggregate statistics, with small
cells suppressed: a count (or a figure computed from cases) below GRIEVANCE_MIN_CELL (5)
is not shown, and when the cells hidden in a breakdown add up to fewer than that, the
smallest shown cell is hidden too, so that no hidden count can be worked out from the
total (docs/grievances.md, "Statistics")."""

import statistics as stats
from collections import Counter

from django.conf import settings
from django.db.models import QuerySet
from django_countries import countries

from hrdd.grievances.models import Case


def min_cell() -> int:
    return settings.GRIEVANCE_MIN_CELL


def shown(count: int) -> int | None:
    """The count, or None when it is too small to show."""
    return count if count >= min_cell() else None


def breakdown(counter: Counter, labels: dict | None = None) -> list[dict]:
    """Rows {code, label, count} by decreasing count; `count` None where suppressed (primary:
    below the minimum; secondary: the smallest shown one, when the hidden ones add up to
    fewer than the minimum but more than none)."""
    labels = labels or {}
    rows = sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))
    hidden = {key for key, count in rows if count < min_cell()}
    hidden_total = sum(counter[key] for key in hidden)
    visible = [key for key, _count in rows if key not in hidden]
    if 0 < hidden_total < min_cell() and visible:
        hidden.add(visible[-1])
    return [
        {
            "code": key,
            "label": labels.get(key, key) or "—",
            "count": None if key in hidden else count,
        }
        for key, count in rows
    ]


def median_days(durations) -> float | None:
    """The median in days, from at least the minimum number of cases, else None."""
    days = [d.total_seconds() / 86400 for d in durations if d is not None]
    return round(stats.median(days), 1) if len(days) >= min_cell() else None


def share(part: int, whole: int) -> int | None:
    """A percentage of at least the minimum number of cases, else None."""
    return round(100 * part / whole) if whole >= min_cell() else None


def case_figures(cases: QuerySet[Case], *, topic_labels: dict) -> dict:
    rows = list(
        cases.values(
            "received_at",
            "acknowledged_at",
            "closed_at",
            "feedback_at",
            "category",
            "state",
            "satisfaction",
            "channel__site__country",
        )
    )
    total = len(rows)
    acknowledged = [r for r in rows if r["acknowledged_at"]]
    on_time = [
        r
        for r in acknowledged
        if (r["acknowledged_at"] - r["received_at"]).days < settings.GRIEVANCE_ACKNOWLEDGE_DAYS
    ]
    answered = [r for r in rows if r["satisfaction"]]
    return {
        "total": shown(total),
        "by_topic": breakdown(Counter(r["category"] for r in rows), topic_labels),
        "by_country": breakdown(
            Counter(r["channel__site__country"] or "" for r in rows), dict(countries)
        ),
        "acknowledge_days": median_days(
            r["acknowledged_at"] - r["received_at"] for r in acknowledged
        ),
        "acknowledged_on_time": share(len(on_time), len(acknowledged)),
        "close_days": median_days(
            r["closed_at"] - r["received_at"] for r in rows if r["closed_at"]
        ),
        "with_feedback": share(sum(1 for r in rows if r["feedback_at"]), total),
        "satisfaction": breakdown(
            Counter(r["satisfaction"] for r in answered), dict(Case.Satisfaction.choices)
        ),
        "satisfied": share(
            sum(1 for r in answered if r["satisfaction"] == Case.Satisfaction.YES), len(answered)
        ),
        "min_cell": min_cell(),
    }
