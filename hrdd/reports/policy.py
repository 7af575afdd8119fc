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

Zero counts are shown: "no supplier chose this" is a statement about the group, and hiding
zeros would not protect anyone while making reports useless for rare risks.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    if question.type == DATE or (question.is_numeric and not question.bands):
        # Exact values are as identifying as free text; only declared bands are counted.
        return {**base, "status": UNSUMMARISED}
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
        return {**base, "status": SHOWN, "options": results, "no_answer": no_answer}
    if question.is_numeric:
        codes = [band.code for band in question.bands]
    elif question.type == COUNTRY:
        codes = sorted(own)  # the countries that occur; every other one is a zero
    else:
        codes = list(question.option_codes)
    cells = {code: own.get(code, 0) for code in codes}
    cells[NO_ANSWER] = total - sum(cells.values())
    return {**base, **_partition(cells, total, k, list(earlier))}


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
