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
