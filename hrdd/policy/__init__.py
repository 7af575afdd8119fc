"""The confidentiality policy: the only code that decides which figures may be shown.

Every surface that shows answers (report page, PDF, CSV/XLSX, insights, command line)
renders what this package released, never raw counts. Callers import the package
(`from hrdd import policy`) and use the names below; the modules hold one family of rules
each:

- `mechanism`: OpenDP's discrete Laplace noise and the loss of each measurement (the
  guarantee's arithmetic);
- `design`: what a questionnaire's release measures, and the families of conditional
  questions that are accounted together;
- `budget`: a buyer's yearly budget, what a campaign reserves of it, how a batch spends it;
- `schedule`: when a release is due;
- `measure`: measuring a batch with noise, adding batches up;
- `summary`: from noisy counts to shares, margins and statuses;
- `breakdowns`: figures by group, small groups merged;
- `pooling`: operator insights across buyers (the minimum of buyers);
- `access`: per-supplier data and statuses, and the progress bands of the response count.

The threat model is in docs/privacy.md: the buyer chooses the supplier list, its addresses
and attributes, can answer through the public URL as often as it likes (or invent
suppliers), runs as many campaigns as it likes, chooses breakdowns and opens every release.
Rules that look at one release at a time (thresholds, cell suppression) cannot hold against
that, so the figures carry a formal guarantee instead: **differential privacy** (DP), with
noise drawn and accounted by OpenDP.

The guarantee, per answer. Whatever every other response is (all of them the buyer's own,
if it likes), the probability of any output it can see changes by at most a factor
e^epsilon (default e^1) when one supplier's answer to one question changes. The unit is the
answer together with the answers it makes appear or disappear (conditional questions): a
parent question and the follow-ups it shows are accounted together, so "no answer" counts
of follow-ups give nothing more away. The bound holds across everything the buyer sees:

- releases of one campaign measure disjoint batches of new responses, each response in one
  batch only (parallel composition): a report's cumulative figures are the sums of its
  batches' noisy counts, so the tenth release costs a supplier nothing more than the first;
- within a batch the budget is split between the question figures, the per-topic risk
  indicators and each declared breakdown (sequential composition);
- across campaigns, a buyer's campaigns on one questionnaire share one budget per
  accounting year (`reservation`; the reports app keeps the PrivacyReservation ledger);
- operator insights are sums of released figures (post-processing): they cost nothing.

What is shown: shares with their margin of error ("about 30 % (±6)"), computed from the
noisy counts; never a count. A question is shown once the margin of its shares is at most
PRIVACY_MAX_MARGIN points: the margin depends only on the noise scale and the number of
responses, never on the answers, so whether a figure is shown reveals nothing. Thresholds
that still serve stay: fewer than k responses show nothing (a report about 2 suppliers is
mostly noise and tells who answered); breakdown groups below k are merged (group sizes are
about participation, which DP on answers does not cover); free text and exact values are
never summarised.
"""

from hrdd.policy.access import (
    DETAILED_CONFIDENTIAL,
    DETAILED_NEEDS_PLAN,
    DETAILED_OK,
    RESPONSE_BAND_EDGES,
    detailed_report_access,
    response_band,
    response_status_access,
)
from hrdd.policy.breakdowns import (
    OTHER,
    TOO_FEW_GROUPS,
    UNKNOWN,
    breakdown_groups,
    group_code,
    summarise_breakdown,
)
from hrdd.policy.budget import (
    BREAKDOWN_SHARE,
    INDICATOR_SHARE,
    MIN_RESERVATION,
    Plan,
    budget_left,
    budget_spent,
    check_within_budget,
    loss_per_answer,
    max_margin,
    plan_batch,
    reservation,
    yearly_budget,
)
from hrdd.policy.design import (
    NO_ANSWER,
    RISK_MARK,
    RISK_PREFIX,
    VALUE,
    Design,
    design_of,
    sensitivity,
    vectors_of,
)
from hrdd.policy.measure import (
    NOTHING_MEASURED,
    accumulate,
    measure_batch,
    measure_release,
    raw_vectors,
    scales_of,
)
from hrdd.policy.mechanism import CONFIDENCE, add_noise, epsilon_of
from hrdd.policy.pooling import (
    TOO_FEW_BUYERS,
    min_buyers_default,
    pooled_big_enough,
    pooled_enough,
)
from hrdd.policy.schedule import batch_size, first_release, release_due
from hrdd.policy.summary import (
    FREE_TEXT,
    GRID,
    NO_BUDGET,
    OK,
    SHOWN,
    TOO_FEW,
    UNCERTAIN,
    UNSUMMARISED,
    margin_points,
    summarise,
)

__all__ = [
    # mechanism: the noise and its guarantee
    "CONFIDENCE",
    "add_noise",
    "epsilon_of",
    # design: what is measured
    "NO_ANSWER",
    "RISK_MARK",
    "RISK_PREFIX",
    "VALUE",
    "Design",
    "design_of",
    "sensitivity",
    "vectors_of",
    # budget
    "BREAKDOWN_SHARE",
    "INDICATOR_SHARE",
    "MIN_RESERVATION",
    "Plan",
    "budget_left",
    "budget_spent",
    "check_within_budget",
    "loss_per_answer",
    "max_margin",
    "plan_batch",
    "reservation",
    "yearly_budget",
    # schedule
    "batch_size",
    "first_release",
    "release_due",
    # measure
    "NOTHING_MEASURED",
    "accumulate",
    "measure_batch",
    "measure_release",
    "raw_vectors",
    "scales_of",
    # summary
    "FREE_TEXT",
    "GRID",
    "NO_BUDGET",
    "OK",
    "SHOWN",
    "TOO_FEW",
    "UNCERTAIN",
    "UNSUMMARISED",
    "margin_points",
    "summarise",
    # breakdowns
    "OTHER",
    "TOO_FEW_GROUPS",
    "UNKNOWN",
    "breakdown_groups",
    "group_code",
    "summarise_breakdown",
    # pooling: operator insights
    "TOO_FEW_BUYERS",
    "min_buyers_default",
    "pooled_big_enough",
    "pooled_enough",
    # access
    "DETAILED_CONFIDENTIAL",
    "DETAILED_NEEDS_PLAN",
    "DETAILED_OK",
    "RESPONSE_BAND_EDGES",
    "detailed_report_access",
    "response_band",
    "response_status_access",
]
