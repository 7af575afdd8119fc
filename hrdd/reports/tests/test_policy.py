"""Attacks on the confidentiality policy.

The attacker is a buyer who knows the rules (this very module), the number of responses and
everything the report shows. For a question, it enumerates every way the respondents could
have answered, keeps those for which the policy produces exactly the report it sees, and
wins if that set pins down something about an individual: a hidden count, or that every
respondent gave the same answer.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrdd.questionnaires.definition import Definition, Option, Question, Section, Text
from hrdd.reports import policy

K = 5


def compositions(total: int, parts: int):
    """Every way to split `total` respondents over `parts` cells."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def partition_output(counts: tuple[int, ...], k: int = K) -> dict:
    cells = {f"o{i}": c for i, c in enumerate(counts)}
    return policy.protect_partition(cells, sum(counts), k)


def consistent_worlds(observed: dict, total: int, parts: int, k: int = K) -> list[tuple]:
    return [c for c in compositions(total, parts) if partition_output(c, k) == observed]


def assert_nothing_certain(counts: tuple[int, ...], k: int = K) -> None:
    total = sum(counts)
    observed = partition_output(counts, k)
    worlds = consistent_worlds(observed, total, len(counts), k)
    assert counts in worlds
    # Unanimity: the attacker must never be sure that everyone gave the same answer.
    assert not all(max(w) == total for w in worlds), (counts, observed)
    # Derivation: no hidden cell may have only one possible value.
    for i, _count in enumerate(counts):
        cell = observed["cells"].get(f"o{i}")
        if cell is None or cell["count"] is None:
            possible = {w[i] for w in worlds}
            assert len(possible) > 1, (counts, i, possible, observed)


# --- Exhaustive: every answer distribution of up to 14 respondents over 3 cells ------------
@pytest.mark.parametrize("total", range(K, 15))
def test_exhaustive_three_cells_nothing_certain(total):
    for counts in compositions(total, 3):
        assert_nothing_certain(counts)


@pytest.mark.parametrize("total", range(K, 11))
def test_exhaustive_four_cells_nothing_certain(total):
    for counts in compositions(total, 4):
        assert_nothing_certain(counts)


# --- Random larger cases ---------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=4))
def test_random_distributions_nothing_certain(counts):
    if sum(counts) < K:
        return
    assert_nothing_certain(tuple(counts))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=7),
    st.integers(min_value=3, max_value=10),
)
def test_shown_cells_are_never_small_and_hidden_groups_are_large(counts, k):
    total = sum(counts)
    out = policy.protect_partition({f"o{i}": c for i, c in enumerate(counts)}, total, k)
    if total < k:
        assert out["status"] == policy.WITHHELD
        return
    if out["status"] != policy.SHOWN:
        assert out["cells"] == {}
        return
    shown = [c["count"] for c in out["cells"].values() if c["count"] is not None]
    hidden = [counts[i] for i, c in enumerate(out["cells"].values()) if c["count"] is None]
    assert all(c == 0 or c >= k for c in shown)
    # Recomputing from the total gives only the sum of the hidden cells: two or more
    # cells holding k or more respondents together.
    assert total - sum(shown) == sum(hidden)
    if hidden:
        assert len(hidden) >= 2 and sum(hidden) >= k
    # And no shown table ever says that (nearly) everyone answered the same.
    assert max(shown, default=0) <= total - k


# --- Named attacks -----------------------------------------------------------------------------
def test_too_few_responses_show_nothing():
    out = partition_output((2, 2))
    assert out == {"status": policy.WITHHELD, "cells": {}, "dominant": None}


def test_unanimity_is_not_asserted():
    # All 12 suppliers say wages are paid late: showing 12 / 0 would convict each of them.
    out = partition_output((12, 0, 0))
    assert out["status"] == policy.DOMINANT and out["cells"] == {}
    # The same output when 9 of 12 answered so: the buyer cannot tell which is true.
    assert partition_output((9, 2, 1)) == out
    # Below three quarters the statement would be false, so the question is withheld.
    assert partition_output((8, 3, 1))["status"] == policy.WITHHELD


def test_single_small_cell_cannot_be_recomputed_from_total():
    # One supplier chose o1. Hiding only o1 would let the buyer compute 22 - 9 - 5 - 7 = 1,
    # so the next smallest cell is hidden with it.
    out = partition_output((9, 1, 0, 5, 7))
    hidden = {code for code, cell in out["cells"].items() if cell["count"] is None}
    assert hidden == {"o1", "o3"}
    assert out["cells"]["o0"]["count"] == 9 and out["cells"]["o4"]["count"] == 7
    assert out["cells"]["o2"]["count"] == 0


def test_multiple_choice_option_rules():
    assert policy.protect_option(0, 20, K)["cell"]["count"] == 0
    assert policy.protect_option(3, 20, K)["status"] == policy.WITHHELD
    assert policy.protect_option(10, 20, K)["cell"]["count"] == 10
    # 18 of 20 chose it: "most or all", never the exact count.
    assert policy.protect_option(18, 20, K) == policy.protect_option(20, 20, K)
    assert policy.protect_option(20, 20, K)["status"] == policy.DOMINANT


def test_multiple_choice_everyone_chose_is_never_certain():
    for total in range(K, 30):
        for count in range(total + 1):
            observed = policy.protect_option(count, total, K)
            worlds = [c for c in range(total + 1) if policy.protect_option(c, total, K) == observed]
            assert worlds != [total], (count, total)
            if observed["cell"]["count"] is None:
                assert len(worlds) > 1


def test_the_minimum_can_never_go_below_three():
    with pytest.raises(ValueError):
        policy.Rules(min_responses=2)


def _definition() -> Definition:
    t = Text({"en": "x"})
    single = Question(
        code="q1",
        type="single_choice",
        text=t,
        topic="t",
        section="s",
        options=(Option("a", t, "none"), Option("b", t, "high")),
    )
    free = Question(code="q2", type="text", text=t, topic="t", section="s")
    return Definition(
        code="d",
        version=1,
        languages=("en",),
        title=t,
        description=None,
        topics={"t": t},
        sections=(Section("s", t, (single, free)),),
    )


def test_summary_never_contains_free_text_or_figures_below_threshold():
    rules = policy.Rules(min_responses=K)
    low = policy.summarise(
        definition=_definition(), total=4, counts={"q1": {"a": 4}}, answered={}, rules=rules
    )
    assert low["status"] == policy.TOO_FEW and low["questions"] == []
    out = policy.summarise(
        definition=_definition(),
        total=10,
        counts={"q1": {"a": 5, "b": 5}},
        answered={"q1": 10, "q2": 3},
        rules=rules,
    )
    free = next(q for q in out["questions"] if q["code"] == "q2")
    assert free == {"code": "q2", "type": "text", "topic": "t", "status": policy.FREE_TEXT}


def test_no_answer_cell_is_part_of_the_partition():
    # 10 responses, 9 chose a, 1 skipped the question: the skip is a small cell too.
    rules = policy.Rules(min_responses=K)
    out = policy.summarise(
        definition=_definition(), total=10, counts={"q1": {"a": 9}}, answered={}, rules=rules
    )
    q1 = out["questions"][0]
    assert q1["status"] == policy.DOMINANT


# --- Differencing: comparing releases ------------------------------------------------------
def _multi_definition() -> Definition:
    t = Text({"en": "x"})
    options = tuple(Option(c, t, "none") for c in ("a", "b", "c"))
    single = Question(
        code="s", type="single_choice", text=t, topic="t", section="x", options=options
    )
    multiple = Question(
        code="m", type="multiple_choice", text=t, topic="t", section="x", options=options
    )
    return Definition(
        code="d",
        version=1,
        languages=("en",),
        title=t,
        description=None,
        topics={"t": t},
        sections=(Section("x", t, (single, multiple)),),
    )


batch_strategy = st.lists(
    st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(0, 12), st.integers(0, 3)).filter(
        lambda b: sum(b) >= K
    ),
    min_size=2,
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(batch_strategy)
def test_no_two_releases_differ_by_a_small_or_unanimous_group(batches):
    """The buyer keeps every release and subtracts: for any figure shown in two releases,
    the difference describes the suppliers who answered in between. It must never be a
    small group, nor (nearly) all of them."""
    definition = _multi_definition()
    rules = policy.Rules(min_responses=K)
    single = {"a": 0, "b": 0, "c": 0}
    chose = {"a": 0, "b": 0, "c": 0}
    total, releases = 0, []
    for a, b, c, skipped in batches:
        single["a"] += a
        single["b"] += b
        single["c"] += c
        total += a + b + c + skipped
        # In the multiple-choice question the same people tick "a", and "b" if they chose b.
        chose["a"] += a + b
        chose["b"] += b
        content = policy.summarise(
            definition=definition,
            total=total,
            counts={"s": dict(single), "m": dict(chose)},
            answered={"s": total - skipped, "m": total - skipped},
            rules=rules,
            earlier=[r for r, _n in releases],
        )
        releases.append((content, total))
    for i, (old, old_total) in enumerate(releases):
        for new, new_total in releases[i + 1 :]:
            between = new_total - old_total
            old_s, new_s = old["questions"][0], new["questions"][0]
            if old_s["status"] == new_s["status"] == policy.SHOWN:
                for code, cell in new_s["cells"].items():
                    before = old_s["cells"][code]["count"]
                    if cell["count"] is not None and before is not None:
                        d = cell["count"] - before
                        assert not (0 < d < K or (d > 0 and between - d < K)), (code, d)
            old_m, new_m = old["questions"][1], new["questions"][1]
            for code, result in new_m["options"].items():
                before = old_m["options"][code]["cell"]["count"]
                now = result["cell"]["count"]
                if now is not None and before is not None:
                    d = now - before
                    assert not (0 < d < K or (d > 0 and between - d < K)), (code, d)
