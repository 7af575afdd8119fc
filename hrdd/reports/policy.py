"""The confidentiality policy: the only code that decides which figures a report may show.

Every surface that shows answers (report page, and later PDF, CSV/XLSX, API, command line)
renders the output of `summarise`, never raw counts. The threat model (docs/privacy.md): the
buyer knows whom it invited, may know who among them would answer, can read every report
release, and knows these rules. It must never learn one supplier's answer with certainty.

Rules, with k = the campaign's minimum number of responses (never below 3):

1. Small numbers: with fewer than k responses nothing is shown.
2. Small cells: a count between 1 and k-1 is hidden ("primary suppression").
3. Derivation: the cells of a single-choice question (its options plus "no answer") add up
   to the number of responses, so one hidden cell could be recomputed from the others.
   Further cells are hidden, the smallest first and equal counts together, until at least
   two are hidden, they hold at least k responses together, and one of them is not small
   itself ("complementary suppression"). If that leaves fewer than two
   non-zero figures visible, the question is withheld.
4. Unanimity: when all respondents, or all but fewer than k, gave the same answer, the counts
   would tell the buyer what (nearly) every supplier answered. The question then only says
   that three quarters or more of the respondents gave that answer, which is true for every
   count from three quarters up to all, so it asserts nothing about any one supplier.
5. Multiple choice: each option is a yes/no split of the respondents and follows rules 2 and
   4 on its own (its complement is never shown).
6. Free text is never part of a summary; nor are exact numbers or dates, which identify as
   well as words do: a number question is summarised only over the bands its definition
   declares, each band a cell under rules 2-4. A grid is one partition per row.
7. Differencing: summaries are released in batches (hrdd.reports.services), never live, so
   two releases differ by at least k responses; and a figure shown in an earlier release is
   hidden now (with complementary suppression) if the difference would be a small cell or
   near-unanimity among the suppliers who answered in between.

Special answers: "don't know" and "prefer not to say" (and "no answer") are cells like the
others for rules 2-7, counted separately. The percentages of the other (substantive)
answers are of those who gave one; that base, and so those percentages, is released only
when the figures already shown give it exactly (no substantive answer hidden, or no special
answer or "no answer" hidden): otherwise it would tell how the hidden figures split between
the two kinds, so counts are shown without percentages. A date or a number without bands
shows how many gave a value and how many each special answer, as one partition (rules 2-7).

Zero counts are shown: "no supplier chose this" is a statement about the group, and hiding
zeros would not protect anyone while making reports useless for rare risks.

Breakdowns (`summarise_breakdown`): the buyer knows each invited supplier's country, industry
and size, so a table by group is a report on fewer, known suppliers, and its figures can be
subtracted from the overall ones. The overall figures are never changed by a breakdown; only
group figures are hidden, and when too many would have to be, none is shown for the question.

9. Groups: only dimensions declared on the campaign before anyone answered (choosing them
   after seeing who answered would let the buyer pick the grouping that isolates a
   supplier). Responses without a value form the "unknown" group. A group with fewer than
   k responses is never shown on its own: such groups are merged into "other"; if "other"
   still has fewer than k, the smallest shown groups join it until it has k, so that the
   total minus the shown sizes is never one hidden group's size (and "other" always merges
   two or more). With fewer than two groups, nothing is shown by group (it would repeat the
   totals). Each group then follows rules 2-6 as a report of its own, except that in a
   multiple-choice question a group never gets "three quarters or more": next to the other
   groups and the total, that bound pinned the group's figure.
10. Derivation across groups, column by column (complementary suppression): an answer hidden
   overall is hidden in every group, zeros included, so that nothing pins the hidden overall
   figures, whatever other dimension is declared. In an answer shown overall, the hidden
   group figures add up to the overall figure minus the shown ones, so, as in rule 3, the
   hidden groups are all those below a threshold (how far a group's figure is from none and
   from all of it), raised until they are two or more, hold k or more suppliers who gave the
   answer and k or more who did not, and include two groups of more than 2k responses (in
   a single-choice question, two that could also have been shown on their own). In a
   multiple-choice option the policy then checks, as the buyer would, that the hidden
   counts adding up to the known sum could each take more than one value; if not, the
   option is not shown by group. Weaker versions failed the attacker test.
11. Derivation across rows and columns: every hidden figure of the table (groups x answers,
   with its row and column totals) must lie on a cycle of hidden figures; one that does not
   can be solved from the totals, the audit statistical agencies run on two-way tables. A
   hidden zero that can be solved says what a shown zero says. If no group has a figure left
   to show, no group is shown: which groups are "withheld" and which "three quarters or
   more" is then all the table says, and with the exact totals that pinned a group's counts.
12. Differencing by group: in each answer, every set of suppliers whose count the buyer can
   compute both now and in an earlier release (a shown group, the hidden groups together,
   "other" whose members change between releases, and unions of these) must not differ by a
   small or (nearly) unanimous group of the suppliers who answered in between (rule 7);
   else more group figures are hidden until that set cannot be computed now.

Rules 10-12 hide more figures one at a time, always the smallest that helps, until the table
passes all three; if nothing is left to hide, the question is not shown by group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hrdd.questionnaires.definition import COUNTRY, DATE, Definition, Question

NO_ANSWER = "_none"

# Question status in a release.
SHOWN = "shown"  # a table of counts, some of them possibly hidden
DOMINANT = "dominant"  # "three quarters or more answered X", no figures
WITHHELD = "withheld"  # nothing can be shown safely
FREE_TEXT = "free_text"  # never shown in a summary
UNSUMMARISED = "unsummarised"  # dates, and numbers without declared bands
GRID = "grid"  # one partition per row

# Report status.
OK = "ok"
TOO_FEW = "too_few"


@dataclass(frozen=True)
class Rules:
    min_responses: int

    def __post_init__(self) -> None:
        if self.min_responses < 3:
            raise ValueError("The minimum number of responses can never be below 3.")


def _cell(count: int, total: int) -> dict:
    return {"count": count, "percent": round(100 * count / total) if total else 0}


HIDDEN = {"count": None, "percent": None}


def _dominates(count: int, total: int) -> bool:
    """Rule 4's statement, "three quarters or more answered X", is true for this count.

    Below three quarters the question is withheld instead, so that "withheld" also covers
    several distributions and says nothing exact either.
    """
    return 4 * count >= 3 * total


def protect_partition(
    cells: dict[str, int], total: int, k: int, force_hidden: frozenset[str] = frozenset()
) -> dict:
    """Apply rules 2-4 to counts that add up to `total` (one answer per respondent).

    `force_hidden`: cells that must be hidden whatever their size (rule 7, differencing),
    protected by complementary suppression like small ones.
    Returns {"status", "cells": {code: {"count", "percent"} | hidden}, "dominant": code|None}.
    """
    if sum(cells.values()) != total:
        raise ValueError("cells must add up to the total")
    if total < k:
        return {"status": WITHHELD, "cells": {}, "dominant": None}
    # Ties are broken by code so that the same counts always give the same output.
    ordered = sorted(cells.items(), key=lambda item: (-item[1], item[0]))
    top_code, top = ordered[0]
    rest = total - top
    if rest < k:
        # Rule 4. The other answers are too few to show, so showing anything else would
        # reveal that (nearly) everyone answered `top_code`.
        if _dominates(top, total):
            return {"status": DOMINANT, "cells": {}, "dominant": top_code}
        return {"status": WITHHELD, "cells": {}, "dominant": None}
    # Hide every cell below a threshold, starting at k and raised to the next count present
    # until the hidden group is safe: two or more cells, k or more responses together, and
    # at least one cell that was not small itself (otherwise an attacker who knows these
    # rules knows every hidden cell is below k, which can pin them down: two hidden cells
    # adding up to 2k-2 must both be k-1). A threshold, rather than picking cells one by
    # one, treats equal counts alike, so the choice of hidden cells reveals nothing more
    # than "each hidden count is below each visible one".
    hidden: set[str] = set()
    forced = {code for code in force_hidden if cells.get(code, 0) > 0}
    if forced or any(0 < count < k for count in cells.values()):
        levels = sorted({count for count in cells.values() if count >= k})
        threshold = k
        while True:
            hidden = {code for code, count in cells.items() if 0 < count < threshold} | forced
            counts = [cells[c] for c in hidden]
            if len(counts) >= 2 and sum(counts) >= k and max(counts) >= k:
                break
            if not levels:
                break
            threshold = levels.pop(0) + 1
        shown_nonzero = [c for c, n in cells.items() if n > 0 and c not in hidden]
        if len(shown_nonzero) < 2:
            # One visible figure next to a hidden group is too easy to invert; see rule 3.
            return {"status": WITHHELD, "cells": {}, "dominant": None}
    return {
        "status": SHOWN,
        "cells": {
            code: (HIDDEN if code in hidden else _cell(count, total))
            for code, count in cells.items()
        },
        "dominant": None,
    }


def protect_option(count: int, total: int, k: int) -> dict:
    """Rule 5: one option of a multiple-choice question, as a chose/did-not-choose split."""
    if total < k:
        return {"status": WITHHELD, "cell": HIDDEN}
    if count == 0:
        return {"status": SHOWN, "cell": _cell(0, total)}
    if total - count < k:
        if _dominates(count, total):
            return {"status": DOMINANT, "cell": HIDDEN}
        return {"status": WITHHELD, "cell": HIDDEN}
    if count < k:
        return {"status": WITHHELD, "cell": HIDDEN}
    return {"status": SHOWN, "cell": _cell(count, total)}


def _unsafe_difference(new: int, old: int, batch: int, k: int) -> bool:
    """Rule 7: whether new - old, the count among the `batch` responses that arrived between
    two releases, would be a small cell or (near-)unanimity of that batch."""
    d = new - old
    return 0 < d < k or (d > 0 and batch - d < k)


def _differencing_risks(cells: dict[str, int], total: int, k: int, earlier: list) -> set[str]:
    """Cells whose exact count, compared with an earlier release that showed it, would tell
    too much about the suppliers who answered in between. `earlier`: (item, total) pairs."""
    risky: set[str] = set()
    for item, old_total in earlier:
        old_cells = item.get("cells") if item and item.get("status") == SHOWN else None
        if not old_cells:
            continue
        for code, count in cells.items():
            old = old_cells.get(code, {}).get("count")
            if old is not None and _unsafe_difference(count, old, total - old_total, k):
                risky.add(code)
    return risky


def _partition(cells: dict[str, int], total: int, k: int, earlier: list) -> dict:
    return protect_partition(
        cells, total, k, frozenset(_differencing_risks(cells, total, k, earlier))
    )


VALUE = "_value"  # a date or an unbanded number given (its value is never shown)
SUBSTANTIVE = "_substantive"  # exports: the base of the substantive answers' percentages


def _substantive_percentages(result: dict, specials: frozenset[str], total: int) -> dict:
    """Special answers (see the rules above) in one released partition: percentages of the
    substantive answers, of those who gave one, where the shown figures already give that
    base; else counts only.

    Special answers and "no answer" keep their percentage of all responses. Adds
    "substantive": the base (None when it cannot be released).
    """
    if result["status"] != SHOWN:
        return result
    cells = result["cells"]
    apart = specials | {NO_ANSWER}
    hidden = {code for code, cell in cells.items() if cell["count"] is None}
    substantive = [code for code in cells if code not in apart]
    if hidden & set(substantive) and hidden - set(substantive):
        base = None  # the hidden figures mix both kinds: the base would split their sum
    elif hidden:
        base = (
            total - sum(cells[c]["count"] for c in cells if c in apart)
            if hidden <= set(substantive)
            else sum(cells[c]["count"] for c in substantive)
        )
    else:
        base = sum(cells[c]["count"] for c in substantive)
    out = {}
    for code, cell in cells.items():
        if code in apart or cell["count"] is None:
            out[code] = cell
        elif base is None:
            out[code] = {"count": cell["count"], "percent": None}
        else:
            out[code] = _cell(cell["count"], base)
    return {**result, "cells": out, "substantive": base}


def _substantive_options(result: dict, specials: frozenset[str], total: int) -> dict:
    """Special answers in a multiple-choice question: each substantive option as a
    percentage of the respondents who gave a substantive answer (special answers stand
    alone), when every special answer and "no answer" is shown, so that the base follows
    from shown figures."""
    options, no_answer = result["options"], result["no_answer"]
    known = [no_answer, *(options[c] for c in specials if c in options)]
    if all(r["status"] == SHOWN for r in known):
        base = total - sum(r["cell"]["count"] for r in known)
    else:
        base = None
    out = {}
    for code, option in options.items():
        if code in specials or option["status"] != SHOWN:
            out[code] = option
        elif base is None:
            out[code] = {**option, "cell": {"count": option["cell"]["count"], "percent": None}}
        else:
            out[code] = {**option, "cell": _cell(option["cell"]["count"], base)}
    return {**result, "options": out, "substantive": base}


def _summarise_question(
    question: Question,
    counts: dict[str, dict[str, int]],
    answered: int,
    total: int,
    k: int,
    earlier: list[tuple[dict, int]] = (),
) -> dict:
    """`earlier`: this question's item in each earlier release, with that release's total."""
    base = {"code": question.code, "type": question.type, "topic": question.topic}
    own = counts.get(question.code, {})
    if question.is_text:
        return {**base, "status": FREE_TEXT}
    specials = question.special_codes
    if question.type == DATE or (question.is_numeric and not question.bands):
        # Exact values are as identifying as free text; only declared bands are counted.
        if not question.special_answers:
            return {**base, "status": UNSUMMARISED}
        # How many gave a value, and each special answer: one partition (rules 2-7).
        cells = {VALUE: answered, **{a.code: own.get(a.code, 0) for a in question.special_answers}}
        cells[NO_ANSWER] = total - sum(cells.values())
        answers_earlier = [((item or {}).get("answers"), old_total) for item, old_total in earlier]
        return {
            **base,
            "status": UNSUMMARISED,
            "answers": _partition(cells, total, k, answers_earlier),
        }
    if question.is_grid:
        rows = {}
        for row in question.rows:
            row_counts = counts.get(f"{question.code}.{row.code}", {})
            cells = {code: row_counts.get(code, 0) for code in question.option_codes}
            cells[NO_ANSWER] = total - sum(cells.values())
            row_earlier = [
                ((item.get("rows") or {}).get(row.code), old_total) for item, old_total in earlier
            ]
            rows[row.code] = _partition(cells, total, k, row_earlier)
            if specials:
                rows[row.code] = _substantive_percentages(rows[row.code], specials, total)
        return {**base, "status": GRID, "rows": rows}
    if question.is_multiple:
        counted = {code: own.get(code, 0) for code in question.option_codes}
        counted["_no_answer"] = total - answered
        results = {}
        for code, count in counted.items():
            result = protect_option(count, total, k)
            for item, old_total in earlier:
                previous = (
                    (
                        item.get("no_answer")
                        if code == "_no_answer"
                        else (item.get("options") or {}).get(code)
                    )
                    if item
                    else None
                )
                old = (previous or {}).get("cell", {}).get("count")
                if (
                    result["status"] == SHOWN
                    and old is not None
                    and _unsafe_difference(count, old, total - old_total, k)
                ):
                    result = {"status": WITHHELD, "cell": HIDDEN}
            results[code] = result
        no_answer = results.pop("_no_answer")
        item = {**base, "status": SHOWN, "options": results, "no_answer": no_answer}
        return _substantive_options(item, specials, total) if specials else item
    if question.is_numeric:
        codes = [b.code for b in question.bands] + [a.code for a in question.special_answers]
    elif question.type == COUNTRY:
        # The countries that occur (every other one is a zero), then the special answers.
        codes = sorted(c for c in own if c not in specials)
        codes += [a.code for a in question.special_answers]
    else:
        codes = list(question.option_codes)
    cells = {code: own.get(code, 0) for code in codes}
    cells[NO_ANSWER] = total - sum(cells.values())
    result = _partition(cells, total, k, list(earlier))
    if specials:
        result = _substantive_percentages(result, specials, total)
    return {**base, **result}


def summarise(
    *,
    definition: Definition,
    total: int,
    counts: dict[str, dict[str, int]],
    answered: dict[str, int],
    rules: Rules,
    earlier: list[dict] = (),
) -> dict:
    """The releasable Summary Report for one campaign, as JSON-ready data.

    `total` is the number of submitted responses; `counts[question][option]` how many chose
    each option; `answered[question]` how many respondents answered each question at all;
    `earlier` the contents of the campaign's earlier releases (rule 7: no figure may differ
    from one shown before in a way that describes too few of the suppliers in between).
    The output holds codes and numbers only (labels are rendered in the reader's language).
    """
    k = rules.min_responses
    if total < k:
        return {"status": TOO_FEW, "response_count": None, "min_responses": k, "questions": []}
    # Each earlier release's items by question code, looked up once.
    history = [
        ({item["code"]: item for item in release["questions"]}, release["response_count"] or 0)
        for release in earlier
        if release.get("status") == OK
    ]
    return {
        "status": OK,
        "response_count": total,
        "min_responses": k,
        "questions": [
            _summarise_question(
                q,
                counts,
                answered.get(q.code, 0),
                total,
                k,
                [(items.get(q.code), old_total) for items, old_total in history],
            )
            for q in definition.questions
        ],
    }


# --- Breakdowns (rules 9-12) -----------------------------------------------------------------

OTHER = "_other"  # the groups below the minimum, together
UNKNOWN = "_unknown"  # responses without a value for the dimension
TOO_FEW_GROUPS = "too_few_groups"  # fewer than two groups of k or more: nothing to compare
# Safety net: every round hides at least one more figure, so this is never reached in
# practice; if it were, the table is withheld rather than released half-protected.
MAX_ROUNDS = 2000


def group_code(value: str) -> str:
    """The group code of a response's dimension value ("" is the "unknown" group)."""
    return value or UNKNOWN


def breakdown_groups(sizes: dict[str, int], k: int, big_enough=None) -> tuple[list[str], list[str]]:
    """Rule 9: (groups shown on their own, groups merged into "other") for group sizes.

    A group is shown on its own when it has k or more responses (`big_enough` may ask for
    more, e.g. distinct buyers in insights). The others are merged into "other"; if that
    holds fewer than k responses, the smallest shown groups join it until it holds k, so
    that a hidden group's size is never the total minus the groups shown (and "other"
    always merges two groups or more). Shown groups come largest first.
    """
    big_enough = big_enough or (lambda members: sum(sizes[m] for m in members) >= k)
    shown = sorted(
        (g for g, n in sizes.items() if n > 0 and big_enough([g])), key=lambda g: (sizes[g], g)
    )
    other = sorted(g for g, n in sizes.items() if n > 0 and g not in shown)
    while other and not big_enough(other) and shown:
        other.append(shown.pop(0))
    if other and not big_enough(other):
        return [], sorted(g for g, n in sizes.items() if n > 0)
    shown.sort(key=lambda g: (-sizes[g], g))
    return shown, other


def _hidden_in(item: dict | None, columns) -> set:
    """Columns of a released partition whose figure is hidden (all, unless shown)."""
    if not item or item.get("status") != SHOWN:
        return set(columns)
    return {c for c in columns if item["cells"].get(c, HIDDEN).get("count") is None}


def _visible(item: dict | None, column: str) -> int | None:
    """The figure a released table shows for one column, or None if hidden."""
    if not item or item.get("status") != SHOWN:
        return None
    if "cell" in item:  # one option of a multiple-choice question
        return item["cell"]["count"]
    return item["cells"].get(column, HIDDEN).get("count")


@dataclass
class _Earlier:
    """One earlier release of the same breakdown table: what the buyer saw in it."""

    overall: dict | None  # the overall item of the table (partition or option result)
    groups: dict[str, dict]  # group code -> its item of the table
    sizes: dict[str, int]
    members: dict[str, frozenset]
    _blocks: dict = field(default_factory=dict)

    def blocks(self, column: str) -> tuple[list, frozenset] | None:
        """What the buyer could compute in this column then (see _blocks) and the sets of
        values it was computed for, worked out once."""
        if column not in self._blocks:
            values = {g: _visible(item, column) for g, item in self.groups.items()}
            found = _blocks(values, _visible(self.overall, column), self.sizes, self.members)
            self._blocks[column] = found and (found, frozenset(m for m, _c, _s in found))
        return self._blocks[column]


class _History(Sequence):
    """The earlier releases of one breakdown table, each turned into an _Earlier when rule 12
    first reads it, once. Rule 12 reads the newest first and stops as soon as every set of
    groups is settled: with a campaign's hundreds of releases, most are never built."""

    def __init__(self, entries: list, build) -> None:
        self._entries, self._build, self._built = entries, build, {}

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> _Earlier:
        index = range(len(self._entries))[index]
        if index not in self._built:
            self._built[index] = self._build(self._entries[index])
        return self._built[index]


@dataclass
class _Table:
    """One breakdown table: groups x columns, with the overall figures as its margin.

    A partition (single choice, country, bands, one grid row) has one column per cell and
    each group's cells add up to its size; an option of a multiple-choice question has one
    column (chose it) and each group is a chose / did-not-choose split.
    """

    columns: list[str]
    counts: dict[str, dict[str, int]]  # group -> column -> true count (never released)
    sizes: dict[str, int]
    members: dict[str, frozenset]  # group -> dimension values it holds
    universe: frozenset
    overall: dict  # the overall item of the table, as released
    earlier: Sequence[_Earlier]
    k: int
    partition: bool
    extra: dict[str, set]  # group -> columns that must be hidden (insights: too few buyers)
    # Rule 12 is checked again only when what is hidden in a column changed; components are
    # shared by the many earlier releases whose groups were the same.
    safe: set = field(default_factory=set)
    parts: dict = field(default_factory=dict)

    def overall_figure(self, column: str) -> int | None:
        return _visible(self.overall, column)

    def overall_total(self, column: str) -> int:
        """The true overall count of a column (never released when hidden)."""
        return sum(counts[column] for counts in self.counts.values())


def _bridges(edges: list[tuple]) -> list[tuple]:
    """Edges of an undirected graph that lie on no cycle (Tarjan), in a stable order.

    The hidden figures of a table are edges between a row (a group, or the overall) and a
    column; the released figures give one equation per row and per column. A hidden figure
    can be recomputed from them exactly when its edge lies on no cycle of hidden figures.
    """
    graph: dict = {}
    for i, (a, b) in enumerate(edges):
        graph.setdefault(a, []).append((b, i))
        graph.setdefault(b, []).append((a, i))
    order: dict = {}
    low: dict = {}
    found = []
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(graph[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            for nxt, i in neighbours:
                if i == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, i, iter(graph[nxt])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(edges[via])
    return sorted(found, key=repr)


def _blocks(values: dict[str, int | None], overall: int | None, sizes, members):
    """What one release lets the buyer compute exactly in one column: each shown group's
    figure, and the hidden groups together (the overall figure minus the shown ones).
    (members, count, size) triples covering every value, or None if the overall is hidden.
    """
    if overall is None:
        return None
    blocks, hidden, rest, rest_size = [], frozenset(), overall, 0
    for g, value in values.items():
        if value is None:
            hidden |= members[g]
            rest_size += sizes[g]
        else:
            blocks.append((members[g], value, sizes[g]))
            rest -= value
    if hidden:
        blocks.append((hidden, rest, rest_size))
    return blocks


def _components(universe: frozenset, blocks: list) -> list[frozenset]:
    """The smallest sets of values that are unions of blocks of both releases: the sets
    whose figure the buyer can compute in each, and so compare (rule 12)."""
    parent = {v: v for v in universe}
    for members, _count, _size in blocks:
        for v in members:
            parent.setdefault(v, v)

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for members, _count, _size in blocks:
        first = None
        for v in members:
            if first is None:
                first = find(v)
            else:
                parent[find(v)] = first
    groups: dict = {}
    for v in parent:
        groups.setdefault(find(v), set()).add(v)
    return [frozenset(s) for s in groups.values()]


class _Withhold(Exception):
    """The table cannot be protected by hiding more group figures: show no group."""


def _fixes(table: _Table, hidden: dict[str, set], shown_rows: set[str]) -> list[tuple]:
    """The next group figures to hide (group, column), [] when the table is safe.

    Rules 10 (the hidden figures of a column), 11 (no hidden figure on no cycle) and 12
    (differencing), in that order; raises _Withhold when no group figure is left to hide.
    """
    k = table.k
    overall_hidden = {c for c in table.columns if table.overall_figure(c) is None}

    def candidates(column: str, exclude=frozenset(), inside=None, outside=None) -> list:
        # Figures that can be hidden to protect others: shown, non-zero (so k or more), in a
        # group whose other figures are shown too (so its complement is k or more as well).
        found = [
            (table.counts[g][column], g)
            for g in table.counts
            if g in shown_rows
            and column not in hidden[g]
            and table.counts[g][column] > 0
            and g not in exclude
            and (inside is None or table.members[g] <= inside)
            and (outside is None or not (table.members[g] & outside))
        ]
        if not found:
            raise _Withhold
        return [(min(found)[1], column)]

    # Rule 10: in a column whose overall figure is shown, the hidden group figures add up to
    # a known number (the overall figure minus the shown ones). As in one partition (rule 3),
    # the hidden groups are all those below a threshold, raised until they are two or more,
    # hold k or more suppliers who gave the answer and k or more who did not, and include
    # two groups of more than 2k responses that could have been shown on their own (so that
    # each could hold more than one such figure; for options, see below). A group's distance
    # here is how far its figure is from none and from all of the group: the buyer learns
    # only that each hidden group is closer to none or all than each shown one. Fewer
    # conditions failed the enumerating attacker of test_breakdowns.py (it pinned figures).
    for column in table.columns:
        if table.overall_figure(column) is None:
            continue
        held = {g for g in table.counts if column in hidden[g]}
        if not held:
            continue
        spread = {
            g: min(table.counts[g][column], table.sizes[g] - table.counts[g][column])
            for g in table.counts
        }
        levels = sorted(
            {spread[g] for g in table.counts if g not in held and table.counts[g][column] > 0}
        )
        threshold = k
        while True:
            group = held | {
                g for g in table.counts if table.counts[g][column] > 0 and spread[g] < threshold
            }
            chose = sum(table.counts[g][column] for g in group)
            rest = sum(table.sizes[g] for g in group) - chose
            # Partitions: two hidden groups that could have been shown on their own, with
            # more than 2k responses. Options: two hidden groups of more than 2k responses,
            # whatever their figures (a condition on the figures pinned them there), then
            # the check of _pinned_by_sum.
            wide = sum(
                1
                for g in group
                if table.sizes[g] > 2 * k and (spread[g] >= k or not table.partition)
            )
            if chose == 0 or (len(group) >= 2 and chose >= k and rest >= k and wide >= 2):
                # (No hidden group gave the answer: that zero may be known, as zeros are shown.)
                break
            levels = [level for level in levels if level >= threshold]
            if not levels:
                raise _Withhold
            threshold = levels.pop(0) + 1
        more = sorted(group - held)
        if more:
            if any(g not in shown_rows for g in more):
                raise _Withhold
            return [(g, column) for g in more]
    # Rule 11: across columns, every hidden figure must lie on a cycle of hidden figures.
    if table.partition:
        edges = [(("row", g), ("col", c)) for g in table.counts for c in sorted(hidden[g])]
        edges += [(("overall",), ("col", c)) for c in table.columns if c in overall_hidden]
        for row, col in _bridges(edges):
            # A hidden zero that can be worked out says what a shown zero says (rule 8), and
            # an edge on no cycle protects no other figure: only the others need more cover.
            if row[0] == "row" and table.counts[row[1]][col[1]] == 0:
                continue
            if row[0] == "overall" and table.overall_total(col[1]) == 0:
                continue
            return candidates(col[1], exclude=set(row[1:]))
    # Rule 12: no figure the buyer can compute in this release and in an earlier one may
    # differ by a small or (nearly) unanimous group of the suppliers who answered between.
    for column in table.columns:
        overall = table.overall_figure(column)
        held = frozenset(g for g in table.counts if column in hidden[g])
        if overall is None or (column, held) in table.safe:
            continue
        values = {g: (None if g in held else table.counts[g][column]) for g in table.counts}
        now = _blocks(values, overall, table.sizes, table.members)
        now_sets = frozenset(m for m, _c, _s in now)
        hidden_members = frozenset().union(*(table.members[g] for g in held))
        # Counts only grow, so going back in time a set's newcomers who gave the answer (and
        # those who did not) only grow too: once both are k or more, every older release is
        # safe for that set. The newest releases come first, and once every set the buyer can
        # compute now is settled, the older ones need not be read at all.
        settled: set[frozenset] = set()
        blocks_now = {m for m, _c, _s in now if m}
        for old in reversed(table.earlier):
            if blocks_now <= settled:
                break
            earlier = old.blocks(column)
            if earlier is None:
                continue
            then, then_sets = earlier
            key = (now_sets, then_sets)
            if key not in table.parts:
                parts = _components(table.universe, now + then)
                where = {v: i for i, part in enumerate(parts) for v in part}
                table.parts[key] = (parts, where)
            parts, where = table.parts[key]
            # Every block lies inside one part: add each block to its part's sums.
            sums = [[0, 0, 0, 0] for _ in parts]
            for m, c, size in now:
                if m:
                    total = sums[where[next(iter(m))]]
                    total[0] += c
                    total[1] += size
            for m, c, size in then:
                if m:
                    total = sums[where[next(iter(m))]]
                    total[2] += c
                    total[3] += size
            for part, (new_count, new_size, old_count, old_size) in zip(parts, sums, strict=True):
                if part >= table.universe:
                    settled.add(part)  # the overall figure: rule 7 compares it
                    continue
                if part in settled:
                    continue
                chose, batch = new_count - old_count, new_size - old_size
                if new_count == 0 or (chose >= k and batch - chose >= k):
                    settled.add(part)  # (nobody in the set gave it: nor did anyone before)
                if not _unsafe_difference(new_count, old_count, batch, k):
                    continue
                # Make `part` impossible to compute now: join one of its groups and one
                # group outside it in the hidden figures of this column.
                if hidden_members and not (hidden_members & part):
                    return candidates(column, inside=part)
                if hidden_members:
                    return candidates(column, outside=part)
                return candidates(column, inside=part) + candidates(column, outside=part)
        table.safe.add((column, held))
    return []


def _sumset(sets: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The possible sums of one value from each set, each set a list of (low, high)."""
    sums = [(0, 0)]
    for intervals in sets:
        found = sorted((a + c, b + d) for a, b in sums for c, d in intervals)
        merged: list[tuple[int, int]] = []
        for low, high in found:
            if merged and low <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        sums = merged
    return sums


def _pinned_by_sum(table: _Table, items: dict[str, dict]) -> bool:
    """Rule 10, checked as the buyer would: whether the hidden groups of a multiple-choice
    option, adding up to the overall figure minus the shown ones, could each hold only one
    count. The buyer knows that a hidden count is not zero (zeros are shown) and that it is
    closer to none or all of its group than every shown one (the threshold of rule 10)."""
    column = table.columns[0]
    hidden = [g for g in items if items[g]["status"] != SHOWN]
    if not hidden:
        return False
    shown = [items[g]["cell"]["count"] for g in items if g not in hidden]
    total = table.overall_figure(column) - sum(shown)
    spreads = [
        min(count, table.sizes[g] - count)
        for g in items
        if g not in hidden and (count := items[g]["cell"]["count"])
    ]
    nearest = min(spreads, default=None)

    def possible(g) -> list[tuple[int, int]]:
        n = table.sizes[g]
        if nearest is None or 2 * nearest > n:
            return [(1, n)]
        return [(1, nearest - 1), (n - nearest + 1, n)] if nearest > 1 else []

    for g in hidden:
        others = _sumset([possible(h) for h in hidden if h != g])
        values = 0
        for low, high in possible(g):
            for a, b in others:
                values += max(0, min(high, total - a) - max(low, total - b) + 1)
        if values < 2:
            return True
    return False


def _protect_table(table: _Table) -> dict[str, dict] | None:
    """Rules 10-12 for one breakdown table: each group's item, or None to show no group.

    Every group first gets the rules of a whole report on its own (rules 2-5); then more of
    its figures are hidden, one at a time and always the smallest that helps, until the
    table passes rules 10-12; if nothing is left to hide, no group is shown.
    The overall figures are never changed by a breakdown.
    """
    if not table.overall or table.overall.get("status") != SHOWN:
        return None  # nothing of the question is shown overall: none of it by group
    overall_hidden = {c for c in table.columns if table.overall_figure(c) is None}
    forced = {g: set(overall_hidden) | set(table.extra.get(g, ())) for g in table.counts}
    for _round in range(MAX_ROUNDS):
        if table.partition:
            items = {
                g: protect_partition(table.counts[g], table.sizes[g], table.k, frozenset(forced[g]))
                for g in table.counts
            }
            hidden = {g: _hidden_in(items[g], table.columns) | overall_hidden for g in items}
            shown_rows = {g for g, item in items.items() if item["status"] == SHOWN}
        else:
            column = table.columns[0]
            items = {}
            for g in table.counts:
                if column in forced[g]:
                    items[g] = {"status": WITHHELD, "cell": HIDDEN}
                else:
                    items[g] = protect_option(table.counts[g][column], table.sizes[g], table.k)
                    if items[g]["status"] == DOMINANT:
                        # Rule 10: a group's "three quarters or more" narrows its hidden
                        # figure down enough to pin it next to the others (see the tests).
                        items[g] = {"status": WITHHELD, "cell": HIDDEN}
            hidden = {g: ({column} if items[g]["status"] != SHOWN else set()) for g in items}
            shown_rows = {g for g in items if not hidden[g]}
        try:
            more = _fixes(table, hidden, shown_rows)
        except _Withhold:
            return None
        if not more:
            break
        for g, column in more:
            forced[g].add(column)
    else:
        return None
    if not table.partition and _pinned_by_sum(table, items):
        return None
    if table.partition and not any(item["status"] == SHOWN for item in items.values()):
        # Rule 11: when no group can show a figure, which of them are "withheld" and which
        # "three quarters or more" is all that is left to see, and next to the exact totals
        # that pinned a group's counts (the enumerating attacker): show no group at all.
        return None
    for g, item in items.items():
        if item["status"] == DOMINANT and item["dominant"] in table.extra.get(g, ()):
            # "Three quarters or more answered X" is a figure too (insights: too few buyers).
            items[g] = _withheld_item()
    if table.partition:
        # A column hidden overall is hidden in every group, zeros included: then the groups'
        # figures and the overall ones move together and nothing pins the hidden overall
        # figures, whichever dimensions are declared (rule 10).
        for item in items.values():
            if item["status"] == SHOWN and overall_hidden:
                item["cells"] = {
                    c: (HIDDEN if c in overall_hidden else cell)
                    for c, cell in item["cells"].items()
                }
    return items


def _withheld_item() -> dict:
    return {"status": WITHHELD, "cells": {}, "dominant": None}


def _tables_of(question: Question, overall_item: dict) -> list[tuple]:
    """(key, columns, partition?) of every breakdown table of one question."""
    if question.is_grid:
        return [(("row", row.code), None, True) for row in question.rows]
    if question.is_multiple:
        keys = [("option", code) for code in question.option_codes]
        return [(key, [key[1]], False) for key in keys] + [
            (("option", "_no_answer"), ["_no_answer"], False)
        ]
    return [(("whole",), None, True)]


def _table_item(item: dict | None, key: tuple) -> dict | None:
    """The part of a released question item that one breakdown table is about."""
    if not item:
        return None
    if key[0] == "whole":
        return item
    if key[0] == "row":
        return (item.get("rows") or {}).get(key[1])
    if key[1] == "_no_answer":
        return item.get("no_answer")
    return (item.get("options") or {}).get(key[1])


def _table_counts(question: Question, key: tuple, columns, groups: dict) -> dict:
    """group -> column -> count for one table, from each group's raw counts."""
    out = {}
    for g, (total, counts, answered) in groups.items():
        if key[0] == "option":
            code = key[1]
            value = total - answered.get(question.code, 0) if code == "_no_answer" else None
            if value is None:
                value = counts.get(question.code, {}).get(code, 0)
            out[g] = {code: value}
            continue
        source = f"{question.code}.{key[1]}" if key[0] == "row" else question.code
        own = counts.get(source, {})
        cells = {c: own.get(c, 0) for c in columns if c != NO_ANSWER}
        cells[NO_ANSWER] = total - sum(cells.values())
        out[g] = cells
    return out


def summarise_breakdown(
    *,
    definition: Definition,
    overall: dict,
    dimension: str,
    groups: dict[str, tuple[int, dict, dict]],
    rules: Rules,
    earlier: list[dict] = (),
    big_enough=None,
    must_hide=None,
) -> dict:
    """The releasable breakdown of one report by one declared dimension (rules 9-12).

    `overall`: this release's summarise() output, which a breakdown never changes.
    `groups[value] = (responses, counts[question][option], answered[question])` per value
    of the dimension (group_code: "" is the unknown group). `earlier`: the contents of the
    campaign's earlier releases (rule 12). `big_enough(values)` and `must_hide(group,
    question, option)` let operator insights add their minimum of distinct buyers.
    The output holds codes and numbers only.
    """
    k = rules.min_responses
    base = {"dimension": dimension, "min_responses": k}
    if overall.get("status") != OK:
        return {**base, "status": TOO_FEW, "groups": [], "questions": []}
    sizes = {g: counts[0] for g, counts in groups.items()}
    shown, other = breakdown_groups(sizes, k, big_enough)
    if len(shown) + (1 if other else 0) < 2:
        return {**base, "status": TOO_FEW_GROUPS, "groups": [], "questions": []}
    members = {g: frozenset([g]) for g in shown}
    merged = {g: groups[g] for g in shown}
    if other:
        members[OTHER] = frozenset(other)
        total, counts, answered = 0, {}, {}
        for g in other:
            n, own_counts, own_answered = groups[g]
            total += n
            for q, options in own_counts.items():
                row = counts.setdefault(q, {})
                for o, c in options.items():
                    row[o] = row.get(o, 0) + c
            for q, c in own_answered.items():
                answered[q] = answered.get(q, 0) + c
        merged[OTHER] = (total, counts, answered)
    group_sizes = {g: merged[g][0] for g in merged}
    universe, history = _breakdown_history(
        earlier, dimension, frozenset(g for g, n in sizes.items() if n > 0)
    )
    overall_items = {item["code"]: item for item in overall["questions"]}
    questions = []
    for question in definition.questions:
        overall_item = overall_items.get(question.code)
        if overall_item is None or overall_item["status"] in (FREE_TEXT, UNSUMMARISED):
            continue
        item = {"code": question.code, "type": question.type, "topic": question.topic}
        if overall_item["status"] not in (SHOWN, GRID):
            questions.append({**item, "status": WITHHELD, "groups": {}})
            continue
        results: dict[tuple, dict | None] = {}
        for key, columns, partition in _tables_of(question, overall_item):
            own_overall = _table_item(overall_item, key)
            if columns is None:
                columns = list(((own_overall or {}).get("cells") or {}).keys())
            extra = {}
            if must_hide:
                source = f"{question.code}.{key[1]}" if key[0] == "row" else question.code
                extra = {
                    g: {c for c in columns if must_hide(members[g], source, c)} for g in merged
                }
            table = _Table(
                columns=columns,
                counts=_table_counts(question, key, columns, merged),
                sizes=group_sizes,
                members=members,
                universe=universe,
                overall=own_overall,
                earlier=_History(
                    history,
                    lambda entry, code=question.code, key=key: _Earlier(
                        overall=_table_item(entry[0].get(code), key),
                        groups={
                            g: _table_item(entry[3].get(code, {}).get(g), key) for g in entry[1]
                        },
                        sizes=entry[1],
                        members=entry[2],
                    ),
                ),
                k=k,
                partition=partition,
                extra=extra,
            )
            results[key] = _protect_table(table) if columns else None
        questions.append({**item, **_group_items(question, results, list(merged))})
    return {
        **base,
        "status": OK,
        "groups": [{"code": g, "response_count": group_sizes[g]} for g in merged],
        "questions": questions,
    }


def _group_items(question: Question, results: dict, groups: list[str]) -> dict:
    """Each group's item of one question, in the shape of the overall item."""
    if all(result is None for result in results.values()):
        return {"status": WITHHELD, "groups": {}}
    out = {}
    for g in groups:
        if question.is_grid:
            out[g] = {
                "status": GRID,
                "rows": {
                    key[1]: (result[g] if result else _withheld_item())
                    for key, result in results.items()
                },
            }
        elif question.is_multiple:
            options = {
                key[1]: (result[g] if result else {"status": WITHHELD, "cell": HIDDEN})
                for key, result in results.items()
            }
            no_answer = options.pop("_no_answer")
            out[g] = {"status": SHOWN, "options": options, "no_answer": no_answer}
        else:
            result = results[("whole",)]
            out[g] = result[g] if result else _withheld_item()
    return {"status": GRID if question.is_grid else SHOWN, "groups": out}


def _breakdown_history(earlier, dimension: str, current: frozenset) -> tuple[frozenset, list]:
    """(every value, one entry per earlier release that showed this breakdown).

    An entry is (overall items by question, group sizes, group members, group items by
    question). "Other" then held every value not shown on its own in that release.
    """
    shown = []
    for release in earlier:
        if release.get("status") != OK:
            continue
        breakdown = next(
            (b for b in release.get("breakdowns") or [] if b.get("dimension") == dimension), None
        )
        if breakdown and breakdown.get("status") == OK:
            shown.append((release, breakdown))
    universe = current | frozenset(
        g["code"] for _release, b in shown for g in b["groups"] if g["code"] != OTHER
    )
    history = []
    for release, breakdown in shown:
        sizes = {g["code"]: g["response_count"] for g in breakdown["groups"]}
        members = {g: frozenset([g]) for g in sizes if g != OTHER}
        if OTHER in sizes:
            members[OTHER] = universe - frozenset(members)
        overall_items = {item["code"]: item for item in release["questions"]}
        items = {q["code"]: q.get("groups") or {} for q in breakdown["questions"]}
        history.append((overall_items, sizes, members, items))
    return universe, history


# --- Per-supplier data (disclosed campaigns) ------------------------------------------------

DETAILED_OK = "ok"
DETAILED_CONFIDENTIAL = "confidential"  # no per-supplier data exists for the buyer: 404
DETAILED_NEEDS_PLAN = "needs_paid_plan"  # exists, but the buyer's plan does not include it: 403


def detailed_report_access(campaign) -> str:
    """Whether a buyer may see one supplier's answers in this campaign, and if not, why.

    Only in a disclosed campaign (each supplier agreed, before answering, that this buyer
    sees its answers) and only on the paid plan. Every surface (page, export, PDF, API,
    command) asks this function; the responses shown are only those with recorded consent.
    """
    from hrdd.campaigns.models import Campaign
    from hrdd.organisations.models import Organisation

    if campaign.mode != Campaign.Mode.DISCLOSED:
        return DETAILED_CONFIDENTIAL
    if campaign.organisation.plan != Organisation.Plan.PAID:
        return DETAILED_NEEDS_PLAN
    return DETAILED_OK


def response_status_access(campaign) -> bool:
    """Whether the buyer may see, supplier by supplier, who has started or submitted.

    Who answered is identifiable data: in a confidential campaign the buyer must never learn
    it, nor anything that follows from it (how many were reminded, reminder delivery). In a
    disclosed campaign every response was started after the supplier agreed that this buyer
    sees its answers under its name, so its status may be shown (issue 5: "In a disclosed
    campaign it sees per-supplier status"). Unlike the Detailed Report this does not depend
    on the plan: it shows no answer, only what the buyer needs to follow up its invitations.
    Callers that show it per supplier write an audit entry (AuditEntry.Action.SUPPLIER_STATUS).
    """
    from hrdd.campaigns.models import Campaign

    return campaign.mode == Campaign.Mode.DISCLOSED


# Progress bands of "how many responses so far", above the first one.
RESPONSE_BAND_EDGES = (10, 25, 50, 100, 250, 500)


def response_band(count: int, k: int) -> tuple[int, int | None]:
    """(low, high) of the band of `count` submitted responses that the buyer is shown;
    high is None for the open-ended top band.

    The buyer sees progress, never an exact live count: watching the number move must not
    tell it when a given supplier answered. The first band runs from 0 to k - 1, so the
    buyer cannot even see that the first supplier has answered (from 0 to 1), which in a
    campaign it can follow supplier by supplier would say who did.
    """
    if count < k:
        return 0, k - 1
    edges = [k, *(edge for edge in RESPONSE_BAND_EDGES if edge > k)]
    for low, high in zip(edges, edges[1:], strict=False):
        if low <= count < high:
            return low, high - 1
    top = edges[-1]
    while count >= top * 2:
        top *= 2
    return top, None
