"""Attacks on the breakdowns of a Summary Report (hrdd.reports.policy, rules 9-12).

The attacker is a buyer who knows the rules, which values of the dimension its suppliers
have (it invited them), the overall figures, every breakdown table and every release. Each
attack tries one route to a supplier's answer and fails the test if it works:

- small groups: a group below the minimum, or a hidden group's size as the total minus the
  shown sizes;
- derivation: a hidden group figure recomputed as the overall figure minus the other groups,
  across rows and columns, by an attacker who also knows why each figure is hidden (it
  enumerates every table of answers that gives exactly the output it sees);
- unanimity within a group;
- differencing: two or more releases, for a group, for "other" whose members change, and for
  any union of groups (a linear attacker over every release).

The figures are small (k = 3, groups of a few suppliers): that is where the attacks work.
"""

import io
import itertools
from datetime import timedelta
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import PASSWORD, VALID_ANSWERS, submit_response
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_create
from hrdd.organisations.models import Organisation
from hrdd.questionnaires.definition import Definition, Option, Question, Section, Text
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports import policy
from hrdd.reports.insights import insights
from hrdd.reports.models import InsightPublication
from hrdd.reports.services import report_release_if_due
from hrdd.reports.tests.test_exports import rows_of
from hrdd.reports.tests.test_pdf import pdf_text

K = 3
VALUES = ("VN", "TH", "BD", "")  # "" is a supplier whose country the buyer's list lacks
SINGLE = ("o0", "o1", policy.NO_ANSWER)  # the three cells of the single-choice question
ATTACK = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _definition(kind: str) -> Definition:
    t = Text({"en": "x"})
    options = (Option("o0", t, "none"), Option("o1", t, "high"))
    question = Question(code="q", type=kind, text=t, topic="t", section="s", options=options)
    return Definition(
        code="d",
        version=1,
        languages=("en",),
        title=t,
        description=None,
        topics={"t": t},
        sections=(Section("s", t, (question,)),),
    )


SINGLE_DEF = _definition("single_choice")
MULTIPLE_DEF = _definition("multiple_choice")


def single_release(raw: dict, k: int = K, earlier=()) -> dict:
    """A release of one single-choice question: raw[value] = (o0, o1, skipped)."""
    rules = policy.Rules(min_responses=k)
    total = sum(sum(row) for row in raw.values())
    counts = {"q": {"o0": sum(r[0] for r in raw.values()), "o1": sum(r[1] for r in raw.values())}}
    content = policy.summarise(
        definition=SINGLE_DEF,
        total=total,
        counts=counts,
        answered={},
        rules=rules,
        earlier=list(earlier),
    )
    groups = {
        policy.group_code(v): (sum(r), {"q": {"o0": r[0], "o1": r[1]}}, {})
        for v, r in raw.items()
        if sum(r)
    }
    content["breakdowns"] = [
        policy.summarise_breakdown(
            definition=SINGLE_DEF,
            overall=content,
            dimension="country",
            groups=groups,
            rules=rules,
            earlier=list(earlier),
        )
    ]
    return content


def multiple_release(raw: dict, k: int = K, earlier=()) -> dict:
    """A release of one multiple-choice question everyone answered: raw[value] = (n, o0, o1)."""
    rules = policy.Rules(min_responses=k)
    total = sum(r[0] for r in raw.values())
    counts = {"q": {"o0": sum(r[1] for r in raw.values()), "o1": sum(r[2] for r in raw.values())}}
    content = policy.summarise(
        definition=MULTIPLE_DEF,
        total=total,
        counts=counts,
        answered={"q": total},
        rules=rules,
        earlier=list(earlier),
    )
    groups = {
        policy.group_code(v): (r[0], {"q": {"o0": r[1], "o1": r[2]}}, {"q": r[0]})
        for v, r in raw.items()
        if r[0]
    }
    content["breakdowns"] = [
        policy.summarise_breakdown(
            definition=MULTIPLE_DEF,
            overall=content,
            dimension="country",
            groups=groups,
            rules=rules,
            earlier=list(earlier),
        )
    ]
    return content


def compositions(total: int, parts: int):
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def shown_groups(content: dict) -> tuple[list[str], dict, dict]:
    """(group codes, sizes, question items by group) of a release's breakdown."""
    breakdown = content["breakdowns"][0]
    if breakdown["status"] != policy.OK:
        return [], {}, {}
    codes = [g["code"] for g in breakdown["groups"]]
    sizes = {g["code"]: g["response_count"] for g in breakdown["groups"]}
    items = breakdown["questions"][0]["groups"] if breakdown["questions"] else {}
    return codes, sizes, items


def world_of(table: dict, raw: dict, named: set) -> dict | None:
    """Raw counts that give the shown groups `table`, every value keeping its true size so
    that the grouping stays the same. "Other" is filled value by value: its figures depend
    only on the sum."""
    world = {v: table[policy.group_code(v)] for v in raw if policy.group_code(v) in named}
    rest = list(table.get(policy.OTHER, (0, 0, 0)))
    for v in raw:
        if policy.group_code(v) in named:
            continue
        need, row = sum(raw[v]), [0, 0, 0]
        for c in range(3):
            row[c] = min(need, rest[c])
            rest[c] -= row[c]
            need -= row[c]
        world[v] = tuple(row)
    return None if any(rest) else world


# --- Derivation and unanimity in one release: the enumerating attacker -----------------------


def attack_single(raw: dict, k: int = K) -> list:
    """Every table of answers with the same group sizes and the same output as `raw`: fails
    (returns what it learnt) if a hidden group figure other than zero, or a group's or the
    whole report's unanimity, is the same in all of them."""
    observed = single_release(raw, k)
    codes, sizes, items = shown_groups(observed)
    if not items:
        return []
    overall = observed["questions"][0]
    margin = [
        overall["cells"][c]["count"] if overall["status"] == policy.SHOWN else None for c in SINGLE
    ]
    named = set(codes) - {policy.OTHER}

    def candidates(code):
        item = items[code]
        for row in compositions(sizes[code], 3):
            if item["status"] == policy.SHOWN and any(
                item["cells"][c]["count"] not in (None, row[i]) for i, c in enumerate(SINGLE)
            ):
                continue
            yield row

    hidden = [
        (g, i)
        for g in codes
        for i, c in enumerate(SINGLE)
        if items[g]["status"] != policy.SHOWN or items[g]["cells"][c]["count"] is None
    ]
    seen = {key: set() for key in hidden}
    not_unanimous = set()
    overall_seen = [set() for _ in SINGLE]
    rows = [list(candidates(g)) for g in codes]

    def done() -> bool:
        return (
            all(len(v) > 1 or v == {0} for v in seen.values())
            and len(not_unanimous) == len(codes) + 1
            and all(
                len(s) > 1 or s == {0} or margin[i] is not None for i, s in enumerate(overall_seen)
            )
        )

    for combo in itertools.product(*rows):
        sums = [sum(row[i] for row in combo) for i in range(3)]
        if any(m is not None and m != s for m, s in zip(margin, sums, strict=True)):
            continue
        table = dict(zip(codes, combo, strict=True))
        world = world_of(table, raw, named)
        if world is None or single_release(world, k) != observed:
            continue
        for g, i in hidden:
            seen[g, i].add(table[g][i])
        for g in codes:
            if max(table[g]) < sizes[g]:
                not_unanimous.add(g)
        if max(sums) < sum(sums):
            not_unanimous.add(None)
        for i in range(3):
            overall_seen[i].add(sums[i])
        if done():
            return []
    learnt = [("pinned", key, v) for key, v in seen.items() if len(v) == 1 and v != {0}]
    learnt += [("unanimous", g) for g in [*codes, None] if g not in not_unanimous]
    learnt += [
        ("overall pinned", SINGLE[i], s)
        for i, s in enumerate(overall_seen)
        if margin[i] is None and len(s) == 1 and s != {0}
    ]
    return learnt


def attack_multiple(raw: dict, k: int = K) -> list:
    """The same attacker on each option of a multiple-choice question (a chose / did not
    choose split per group)."""
    observed = multiple_release(raw, k)
    codes, sizes, items = shown_groups(observed)
    if not items:
        return []
    named = set(codes) - {policy.OTHER}
    learnt = []
    for position, option in ((1, "o0"), (2, "o1")):
        results = {g: items[g]["options"][option] for g in codes}
        ranges = [
            [results[g]["cell"]["count"]]
            if results[g]["status"] == policy.SHOWN
            else range(sizes[g] + 1)
            for g in codes
        ]
        hidden = [g for g in codes if results[g]["status"] != policy.SHOWN]
        seen = {g: set() for g in hidden}
        not_unanimous = set()
        for combo in itertools.product(*ranges):
            table = dict(zip(codes, combo, strict=True))
            # Every value keeps its true row except for this option's count.
            world, rest = {}, table.get(policy.OTHER, 0)
            for v, row in raw.items():
                row = list(row)
                code = policy.group_code(v)
                if code in named:
                    row[position] = table[code]
                else:
                    row[position] = min(row[0], rest)
                    rest -= row[position]
                world[v] = tuple(row)
            if rest or multiple_release(world, k) != observed:
                continue
            for g in hidden:
                seen[g].add(table[g])
            for g in codes:
                if table[g] < sizes[g]:
                    not_unanimous.add(g)
            if all(len(v) > 1 or v == {0} for v in seen.values()) and len(not_unanimous) == len(
                codes
            ):
                break
        learnt += [("pinned", option, g, v) for g, v in seen.items() if len(v) == 1 and v != {0}]
        learnt += [("unanimous", option, g) for g in codes if g not in not_unanimous]
    return learnt


def _rows(width: int, high: int):
    return st.tuples(*[st.integers(0, high)] * width).filter(lambda r: sum(r) > 0)


single_tables = st.dictionaries(st.sampled_from(VALUES), _rows(3, 7), min_size=2, max_size=3)


@settings(ATTACK, max_examples=300)
@given(single_tables)
# Found by this attacker against earlier versions of rules 10 and 11:
@example({"BD": (6, 1, 1), "": (3, 3, 6), "TH": (3, 3, 6)})
@example({"VN": (2, 2, 0), "": (3, 2, 3), "TH": (2, 4, 0)})
def test_one_release_reveals_no_group_figure_nor_unanimity(raw):
    assert attack_single(raw) == [], raw


@st.composite
def multiple_tables(draw):
    raw = {}
    for value in draw(st.lists(st.sampled_from(VALUES), min_size=2, max_size=4, unique=True)):
        n = draw(st.integers(1, 9))
        raw[value] = (n, draw(st.integers(0, n)), draw(st.integers(0, n)))
    return raw


@settings(ATTACK, max_examples=150)
@given(multiple_tables())
@example({"VN": (8, 5, 5), "": (6, 2, 0), "BD": (9, 5, 6), "TH": (3, 3, 3)})
@example({"": (9, 1, 7), "VN": (5, 4, 0)})
@example({"": (9, 8, 9), "VN": (4, 0, 1), "BD": (9, 8, 3)})
def test_one_release_of_multiple_choice_reveals_no_group_figure(raw):
    assert attack_multiple(raw) == [], raw


# --- Group sizes ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(st.integers(0, 9), min_size=2, max_size=4),
    st.integers(3, 5),
)
def test_no_small_group_is_shown_and_no_hidden_size_is_the_total_minus_the_shown(sizes, k):
    """A group below k is never shown on its own; the groups that are not shown are merged
    into "other", which is shown as a group of its own (k or more, under every rule) and
    always merges two or more values, so that subtracting the shown sizes from the total
    gives the size of no single hidden group. (Knowing how groups are merged, a buyer can
    sometimes still infer the sizes inside "other", e.g. two values with 4 responses at
    k = 3 have 2 each: those are numbers of respondents, never answers; see docs/privacy.md.)
    """
    values = [f"v{i}" for i in range(len(sizes))]
    true = dict(zip(values, sizes, strict=True))
    shown, other = policy.breakdown_groups(true, k)
    assert all(true[g] >= k for g in shown)
    if not shown:
        assert sorted(other) == sorted(v for v in values if true[v])  # nothing by group
    elif other:
        assert sum(true[g] for g in other) >= k and len(other) >= 2
    else:
        assert all(true[v] in (0, *[true[g] for g in shown]) for v in values)
        assert all(true[v] == 0 for v in values if v not in shown)


# --- Differencing: the linear attacker over every release ---------------------------------------


class Span:
    """The linear combinations of released figures an attacker can form (exact fractions)."""

    def __init__(self, width: int):
        self.rows: list[tuple[int, list]] = []
        self.width = width

    def _reduce(self, vector) -> list:
        v = [Fraction(x) for x in vector]
        for pivot, row in self.rows:
            if v[pivot]:
                factor = v[pivot]
                v = [a - factor * b for a, b in zip(v, row, strict=True)]
        return v

    def add(self, vector) -> None:
        v = self._reduce(vector)
        pivot = next((i for i, x in enumerate(v) if x), None)
        if pivot is not None:
            row = [a / v[pivot] for a in v]
            self.rows = [
                (p, [a - r[pivot] * b for a, b in zip(r, row, strict=True)]) for p, r in self.rows
            ]
            self.rows.append((pivot, row))

    def contains(self, vector) -> bool:
        return not any(self._reduce(vector))


def released_sets(content: dict, values, column: str, multiple: bool):
    """The sets of values whose count in `column` a release shows (or None if it shows
    nothing): the overall figure and each group's shown figure ("other" is every value
    not shown on its own)."""
    if content["status"] != policy.OK:
        return
    overall = content["questions"][0]
    if multiple:
        shown = overall["options"][column]
        if shown["status"] == policy.SHOWN:
            yield set(values)
    elif overall["status"] == policy.SHOWN and overall["cells"][column]["count"] is not None:
        yield set(values)
    codes, _sizes, items = shown_groups(content)
    named = {"" if g == policy.UNKNOWN else g for g in codes if g != policy.OTHER}
    for code, item in items.items():
        if multiple:
            visible = item["options"][column]["status"] == policy.SHOWN
        else:
            visible = item["status"] == policy.SHOWN and item["cells"][column]["count"] is not None
        if visible:
            raw = "" if code == policy.UNKNOWN else code
            yield set(values) - named if code == policy.OTHER else {raw}


def linear_attack(batches: list[dict], multiple: bool, k: int = K) -> list:
    """Releases after each batch (batches of k or more new responses, as the batch rule
    makes them); then, for every answer, every set of values and every span of batches, if
    the count of that set's newcomers (or of all its suppliers at one release) is a linear
    combination of released figures, it must be neither small nor (nearly) unanimous."""
    values = sorted({v for batch in batches for v in batch})
    width = 3
    releases, cumulative = [], {}
    for batch in batches:
        for v, row in batch.items():
            before = cumulative.get(v, (0,) * width)
            cumulative[v] = tuple(a + b for a, b in zip(before, row, strict=True))
        make = multiple_release if multiple else single_release
        releases.append(make(dict(cumulative), k, releases))
    atoms = [(v, t) for v in values for t in range(len(batches))]
    columns = ("o0", "o1") if multiple else SINGLE
    learnt = []
    for position, column in enumerate(columns):
        position = position + 1 if multiple else position
        span = Span(len(atoms))

        def vector(members, start, end):
            return [1 if v in members and start <= t < end else 0 for v, t in atoms]

        for r, content in enumerate(releases):
            for members in released_sets(content, values, column, multiple):
                span.add(vector(members, 0, r + 1))

        def count(members, start, end, size=False, position=position):
            total = 0
            for t in range(start, end):
                for v in members:
                    row = batches[t].get(v, (0,) * width)
                    if multiple:
                        total += row[0] if size else row[position]
                    else:
                        total += sum(row) if size else row[position]
            return total

        for n in range(1, len(values)):
            for members in itertools.combinations(values, n):
                for start in range(len(batches)):
                    for end in range(start + 1, len(batches) + 1):
                        if not span.contains(vector(members, start, end)):
                            continue
                        d, size = count(members, start, end), count(members, start, end, True)
                        if 0 < d < k or (d > 0 and size - d < k):
                            learnt.append((column, members, start, end, d, size))
    return learnt


@st.composite
def release_batches(draw, multiple: bool, scale: int = 1):
    values = draw(st.lists(st.sampled_from(VALUES), min_size=2, max_size=4, unique=True))
    batches = []
    for _ in range(draw(st.integers(2, 4))):
        batch = {}
        for v in values:
            if multiple:
                n = draw(st.integers(0, 12))
                batch[v] = (n, draw(st.integers(0, n)), draw(st.integers(0, n)))
            else:
                batch[v] = (
                    draw(st.integers(0, 12 * scale)),
                    draw(st.integers(0, 9 * scale)),
                    draw(st.integers(0, 2 * scale)),
                )
        size = sum(row[0] if multiple else sum(row) for row in batch.values())
        if size < K:
            continue
        batches.append(batch)
    return batches


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(release_batches(multiple=False), release_batches(multiple=False, scale=3)))
def test_no_set_of_groups_differs_between_releases_by_a_small_or_unanimous_group(batches):
    assert linear_attack(batches, multiple=False) == [], batches


@settings(max_examples=300, deadline=None, derandomize=True)
@given(release_batches(multiple=True))
def test_multiple_choice_releases_do_not_isolate_newcomers_by_group(batches):
    assert linear_attack(batches, multiple=True) == [], batches


# --- Each route, one example ------------------------------------------------------------------


def group_items(content: dict) -> dict:
    return content["breakdowns"][0]["questions"][0]["groups"]


def hidden_in(item: dict, column: str) -> bool:
    return item["status"] != policy.SHOWN or item["cells"][column]["count"] is None


def test_small_groups_are_merged_and_never_named():
    raw = {"VN": (6, 6, 0), "TH": (5, 5, 0), "KH": (2, 1, 0), "LA": (1, 2, 0)}
    content = single_release(raw, k=5)
    groups = content["breakdowns"][0]["groups"]
    assert groups == [
        {"code": "VN", "response_count": 12},
        {"code": "TH", "response_count": 10},
        {"code": policy.OTHER, "response_count": 6},
    ]


def test_a_hidden_group_size_is_never_the_total_minus_the_shown_sizes():
    # Thailand alone is too small: shown next to Vietnam, its size would be 22 - 20 = 2.
    content = single_release({"VN": (10, 10, 0), "TH": (1, 1, 0)}, k=5)
    assert content["breakdowns"][0]["status"] == policy.TOO_FEW_GROUPS
    assert content["breakdowns"][0]["groups"] == []
    # With a third country, the smallest shown group joins "other" so that it reaches k.
    content = single_release({"VN": (10, 10, 0), "TH": (5, 4, 0), "KH": (1, 1, 0)}, k=5)
    assert content["breakdowns"][0]["groups"] == [
        {"code": "VN", "response_count": 20},
        {"code": policy.OTHER, "response_count": 11},
    ]


def test_a_hidden_group_figure_is_never_the_overall_minus_the_other_groups():
    # 3 Thai suppliers chose o0: hidden in Thailand's row, but the overall 33 minus Vietnam's
    # 20 and Bangladesh's 10 would give it back, so more figures of the column are hidden.
    raw = {"VN": (20, 15, 0), "TH": (3, 12, 0), "BD": (10, 10, 0), "ID": (12, 13, 0)}
    content = single_release(raw, k=5)
    overall = content["questions"][0]["cells"]
    items = group_items(content)
    assert overall["o0"]["count"] == 45 and hidden_in(items["TH"], "o0")
    for column in ("o0", "o1"):
        held = [g for g in items if hidden_in(items[g], column)]
        shown = sum(items[g]["cells"][column]["count"] for g in items if g not in held)
        assert len(held) != 1
        if held:
            assert overall[column]["count"] - shown >= 5
    assert attack_single(raw, k=5) == []


def test_unanimity_within_a_group_is_never_shown_as_a_count():
    # Every Vietnamese supplier chose o1; the other countries are mixed. "12 of 12" would
    # convict each Vietnamese supplier: the group only says "three quarters or more", and
    # enough other figures of each column are hidden that 12 cannot be worked out either.
    raw = {"VN": (0, 12, 0), "TH": (10, 10, 0), "BD": (12, 11, 0), "ID": (11, 12, 0)}
    raw["CN"] = (13, 12, 0)
    content = single_release(raw, k=5)
    items = group_items(content)
    assert items["VN"] == {"status": policy.DOMINANT, "cells": {}, "dominant": "o1"}
    for column in ("o0", "o1"):
        assert len([g for g in items if hidden_in(items[g], column)]) >= 3
    assert attack_single({"VN": (0, 6, 0), "TH": (4, 3, 0), "BD": (4, 4, 0)}) == []


def test_two_consecutive_releases_do_not_show_what_one_new_supplier_answered():
    # Release 1; then one more Thai supplier (who chose o0) and four Vietnamese ones.
    first = {"VN": (10, 10, 0), "TH": (8, 8, 0), "BD": (8, 9, 0)}
    batch = {"VN": (2, 2, 0), "TH": (1, 0, 0)}
    earlier = single_release(first, k=5)
    later = single_release(
        {
            v: tuple(a + b for a, b in zip(first[v], batch.get(v, (0, 0, 0)), strict=True))
            for v in first
        },
        k=5,
        earlier=[earlier],
    )
    before, after = group_items(earlier)["TH"], group_items(later).get("TH")
    assert before["status"] == policy.SHOWN and before["cells"]["o0"]["count"] == 8
    # 9 - 8 = 1 would be the newcomer's answer: Thailand's o0 is hidden (here, with what
    # would let it be worked out, every group of the question).
    assert after is None or hidden_in(after, "o0")
    if after is not None:
        for column in SINGLE:
            if not hidden_in(before, column) and not hidden_in(after, column):
                assert after["cells"][column]["count"] == before["cells"][column]["count"]
    assert linear_attack([first, batch], multiple=False, k=5) == []


def test_other_with_changing_members_cannot_be_compared_across_releases():
    # Release 1: Cambodia and Laos are small, together in "other". Release 2: Cambodia has
    # grown and is shown on its own; "other" is Laos (and a Thai group folded in). The
    # buyer can add up groups across releases; no such sum may isolate the newcomers.
    first = {"VN": (10, 10, 0), "TH": (9, 9, 0), "KH": (2, 2, 0), "LA": (2, 1, 0)}
    batch = {"KH": (2, 2, 0), "LA": (1, 0, 0), "VN": (3, 3, 0)}
    assert linear_attack([first, batch], multiple=False, k=5) == []
    assert linear_attack([first, batch], multiple=False, k=3) == []


# --- Only declared dimensions, on every surface ------------------------------------------------

BUSINESS = "q01_business_impact"


def country_campaign(campaign, breakdowns=("country",)):
    """60 responses from Vietnam (24), Thailand (24) and Bangladesh (12), half of each
    country down 10-29 % and half about the same; every other answer the same for all (so
    shown overall only as "three quarters or more", and by group not at all). Every
    response also has an industry, which the campaign may not have declared."""
    Campaign.objects.filter(pk=campaign.pk).update(breakdowns=list(breakdowns))
    for country, count in (("VN", 24), ("TH", 24), ("BD", 12)):
        for i in range(count):
            impact = "down_10_to_29" if i % 2 else "about_same"
            submit_response(
                campaign,
                dict(VALID_ANSWERS, q01_business_impact=impact),
                supplier_country=country,
                supplier_industry="apparel",
                supplier_size="10-49",
            )
    release = report_release_if_due(campaign_id=campaign.pk)
    assert release is not None and release.response_count == 60
    return release


@pytest.mark.django_db
def test_only_declared_dimensions_are_released(campaign_a):
    release = country_campaign(campaign_a)
    breakdowns = release.content["breakdowns"]
    assert [b["dimension"] for b in breakdowns] == ["country"]
    (country,) = breakdowns
    assert country["groups"] == [
        {"code": "TH", "response_count": 24},
        {"code": "VN", "response_count": 24},
        {"code": "BD", "response_count": 12},
    ]
    q01 = next(q for q in country["questions"] if q["code"] == BUSINESS)
    assert q01["groups"]["BD"]["cells"]["about_same"] == {"count": 6, "percent": 50}
    q04 = next(q for q in country["questions"] if q["code"] == "q04_wages_paid")
    assert q04 == {**q04, "status": policy.WITHHELD, "groups": {}}
    assert not any(q["code"] == "q11_comments" for q in country["questions"])


@pytest.mark.django_db
def test_a_campaign_without_breakdowns_releases_none(campaign_a):
    release = country_campaign(campaign_a, breakdowns=())
    assert "breakdowns" not in release.content


def _page(client, user, campaign) -> str:
    assert client.login(email=user.email, password=PASSWORD)
    page = client.get(reverse("reports:summary", args=[campaign.pk]))
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.django_db
def test_the_page_shows_the_declared_breakdown_from_the_release_only(client, alice, campaign_a):
    country_campaign(campaign_a)
    with CaptureQueriesContext(connection) as queries:
        text = _page(client, alice, campaign_a)
    # Served from the stored release: no answer or response is read to show it.
    assert not any("responses_answer" in q["sql"] for q in queries.captured_queries)
    section = text[text.index('id="breakdown-country"') :]
    assert "By supplier country" in section and "By supplier industry" not in text
    assert "Vietnam" in section and "Thailand" in section and "Bangladesh" in section
    q01 = section[section.index(f'id="breakdown-country-{BUSINESS}"') :]
    q01 = q01[: q01.index("</article>")]
    assert "6 <span" in q01 and "(50%)" in q01  # Bangladesh: 6 of 12
    q04 = section[section.index('id="breakdown-country-q04_wages_paid"') :]
    assert "Not shown by group" in q04[: q04.index("</article>")]
    assert "Mr Sato" not in text


@pytest.mark.django_db
def test_no_breakdown_on_the_page_when_none_was_declared(client, alice, campaign_a):
    country_campaign(campaign_a, breakdowns=())
    text = _page(client, alice, campaign_a)
    assert "By supplier" not in text and "breakdown-" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("declared", [True, False])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_hold_the_released_breakdown_only_when_declared(
    client, alice, campaign_a, fmt, declared
):
    release = country_campaign(campaign_a, breakdowns=("country",) if declared else ())
    _page(client, alice, campaign_a)
    rows = rows_of(client, campaign_a, fmt)
    if not declared:
        assert len(rows[0]) == 7 and all(len(r) == 7 for r in rows)
        return
    assert rows[0][7:] == ["breakdown", "group", "group_text"]
    by_group = [r for r in rows[1:] if r[7]]
    assert {r[8] for r in by_group} == {"VN", "TH", "BD"}
    sizes = {r[8]: str(r[4]) for r in by_group if r[0] == "_responses"}
    assert sizes == {"VN": "24", "TH": "24", "BD": "12"}
    bangladesh = {(r[0], r[2]): r for r in by_group if r[8] == "BD"}
    assert str(bangladesh[BUSINESS, "about_same"][4]) == "6"
    assert bangladesh["q04_wages_paid", ""][6] == policy.WITHHELD
    # Every figure in the file is a figure of the release.
    groups = release.content["breakdowns"][0]["questions"]
    released = {
        (q["code"], g, code, cell["count"])
        for q in groups
        for g, item in q["groups"].items()
        for code, cell in [
            *(item.get("cells") or {}).items(),
            *((o, r["cell"]) for o, r in (item.get("options") or {}).items()),
            *([(policy.NO_ANSWER, item["no_answer"]["cell"])] if "no_answer" in item else []),
        ]
    }
    for r in by_group:
        if r[0] != "_responses" and r[4] not in ("", None):
            assert (r[0], r[8], r[2], int(r[4])) in released, r


@pytest.mark.django_db
def test_the_pdf_has_the_breakdown_only_when_declared(client, alice, campaign_a, org_a):
    country_campaign(campaign_a)
    _page(client, alice, campaign_a)
    text = pdf_text(client.get(reverse("reports:summary_pdf", args=[campaign_a.pk])).content)
    assert "By supplier country" in text and "Bangladesh" in text
    assert "By supplier industry" not in text
    other = make_other_campaign(org_a)
    country_campaign(other, breakdowns=())
    text = pdf_text(client.get(reverse("reports:summary_pdf", args=[other.pk])).content)
    assert "By supplier" not in text and "Bangladesh" not in text


def make_other_campaign(organisation):
    opens_at = timezone.now() - timedelta(days=1)
    return campaign_create(
        organisation=organisation,
        questionnaire_version=Questionnaire.objects.get(code="crisis-impact").latest_version(),
        name="Without breakdowns",
        languages=["en"],
        by=None,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=30),
    )


# --- Operator insights by supplier country and industry ------------------------------------


def insight_buyers(make_campaign):
    """Three buyers with 12 Vietnamese and 12 Thai suppliers each, and 12 Cambodian suppliers
    of the first buyer only. Buyer 0's Vietnamese suppliers are the only ones down 30 % or
    more; buyers 1 and 2's the only ones down 10-29 %."""
    for i in range(3):
        org = Organisation.objects.create(name=f"Buyer {i}", industry="apparel")
        campaign = make_campaign(org, name=f"Crisis {i}")
        countries = [("VN", 12), ("TH", 12)] + ([("KH", 12)] if i == 0 else [])
        for country, count in countries:
            for n in range(count):
                impact = "about_same"
                if n % 2:
                    impact = "down_30_or_more" if country == "VN" and i == 0 else "down_10_to_29"
                submit_response(
                    campaign,
                    dict(VALID_ANSWERS, q01_business_impact=impact),
                    supplier_country=country,
                    supplier_industry="food",
                )


@pytest.mark.django_db
def test_insights_by_supplier_country_need_enough_buyers_per_group_and_figure(make_campaign):
    insight_buyers(make_campaign)
    crisis = Questionnaire.objects.get(code="crisis-impact")
    plain = insights(questionnaire=crisis)
    assert "breakdowns" not in plain  # computed only when asked for
    out = insights(questionnaire=crisis, breakdown="country")
    assert out["response_count"] == 84
    (country,) = out["breakdowns"]
    codes = [g["code"] for g in country["groups"]]
    # Cambodia has 12 responses but a single buyer behind them: never a group of its own.
    assert "KH" not in codes and "VN" in codes
    q01 = next(q for q in country["questions"] if q["code"] == BUSINESS)
    vietnam = q01["groups"].get("VN")
    if vietnam is not None:  # down 10-29 %: 12 Vietnamese suppliers, but of 2 buyers only
        assert hidden_in(vietnam, "down_10_to_29") and hidden_in(vietnam, "down_30_or_more")
    # By industry every supplier is in food: one group, nothing to compare.
    by_industry = insights(questionnaire=crisis, breakdown="industry")["breakdowns"][0]
    assert by_industry["status"] == policy.TOO_FEW_GROUPS


@pytest.mark.django_db
def test_operator_page_and_export_by_supplier_country(client, olivia, alice, make_campaign):
    insight_buyers(make_campaign)
    url = reverse("insights:detail", args=["crisis-impact"])
    assert client.login(email=olivia.email, password=PASSWORD)
    assert 'id="breakdown-country"' not in client.get(url).content.decode()
    page = client.get(url, {"by": "country"}).content.decode()
    assert 'id="breakdown-country"' in page and "Vietnam" in page and "Cambodia" not in page
    client.post(reverse("insights:publish", args=["crisis-impact"]), {"by": "country"})
    client.logout()
    public = client.get(reverse("insights:public", args=[InsightPublication.objects.get().slug]))
    assert 'id="breakdown-country"' in public.content.decode()
    assert client.login(email=alice.email, password=PASSWORD)
    assert client.get(url, {"by": "country"}).status_code == 404
    out = io.StringIO()
    call_command("export_insights", "crisis-impact", by="country", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0] == "question,answer,count,percent,status,breakdown,group"
    assert "_responses,,36,,shown,country,VN" in lines
    assert not any(line.endswith(",KH") for line in lines)
