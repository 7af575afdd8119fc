"""Which laws apply to an organisation, and why: pure functions of a law's rules and the
organisation's answers (no database), so each law's thresholds are tested at their edges.

A law's rules are tried in order; the first whose conditions all hold decides the level:
APPLIES (the thresholds are met) or CHECK (it may apply: the rule's note says what else to
check). Near a threshold after a currency conversion the answer is CHECK, never APPLIES or
nothing: the rates are approximate (RATES_AS_OF) and the law counts in its own currency.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

APPLIES, CHECK = "applies", "check"
LEVELS = (APPLIES, CHECK)
PRESENCE = ("incorporated", "sells", "imports", "listed")

# The 27 member states of the European Union.
EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905
)
# Approximate units of each currency per euro, for comparing a turnover with a threshold set
# in another currency; reviewed with the library (docs/laws.md). Within NEAR of a threshold
# after conversion the answer is CHECK.
RATES_AS_OF = "2026-11"
RATES_PER_EUR = {
    "EUR": Decimal("1"),
    "USD": Decimal("1.16"),
    "GBP": Decimal("0.87"),
    "JPY": Decimal("180"),
    "AUD": Decimal("1.77"),
    "CAD": Decimal("1.62"),
    "NOK": Decimal("11.7"),
}
NEAR = Decimal("0.05")


@dataclass(frozen=True)
class Profile:
    """An organisation's answers to the wizard."""

    incorporated_in: str
    sells_in: frozenset = frozenset()
    imports_into: frozenset = frozenset()
    listed_in: frozenset = frozenset()
    turnover: Decimal = Decimal(0)
    currency: str = "EUR"
    employees: int = 0
    year_end_month: int = 12

    def places(self, presence: str) -> frozenset:
        return {
            "incorporated": frozenset([self.incorporated_in]),
            "sells": self.sells_in,
            "imports": self.imports_into,
            "listed": self.listed_in,
        }[presence]


@dataclass
class Result:
    """Whether one law applies (level) and the reasons, in the reader's language."""

    level: str
    reasons: list[str] = field(default_factory=list)


def expand(places) -> frozenset:
    """ISO codes, with EU standing for its member states."""
    out = set()
    for place in places:
        out |= EU_MEMBERS if place == "EU" else {place}
    return frozenset(out)


def convert(amount: Decimal, source: str, target: str) -> Decimal:
    return amount / RATES_PER_EUR[source] * RATES_PER_EUR[target]


def money(amount: Decimal, currency: str) -> str:
    return f"{currency} {number_format(amount.quantize(Decimal(1)), force_grouping=True)}"


def count(number: int) -> str:
    return number_format(number, force_grouping=True)


def local(rule: dict, key: str) -> str:
    """The rule's text in the reader's language (English when there is no Japanese)."""
    language = (get_language() or "en")[:2]
    return rule.get(f"{key}_{language}") or rule.get(f"{key}_en") or ""


def _compare(value: Decimal, minimum: Decimal, strict: bool) -> bool:
    return value > minimum if strict else value >= minimum


def _turnover(profile: Profile, test: dict) -> tuple[str, str]:
    """("yes" | "no" | "near", reason) for a turnover threshold."""
    minimum, currency = Decimal(str(test["min"])), test["currency"]
    strict = bool(test.get("strict"))
    bound = (_("more than %(amount)s") if strict else _("at least %(amount)s")) % {
        "amount": money(minimum, currency)
    }
    if profile.currency == currency:
        met = _compare(profile.turnover, minimum, strict)
        reason = _("Turnover %(value)s: %(bound)s.") % {
            "value": money(profile.turnover, currency),
            "bound": bound,
        }
        return ("yes" if met else "no"), reason
    converted = convert(profile.turnover, profile.currency, currency)
    reason = _("Turnover %(value)s, about %(converted)s at the library's rates: %(bound)s.") % {
        "value": money(profile.turnover, profile.currency),
        "converted": money(converted, currency),
        "bound": bound,
    }
    if abs(converted - minimum) <= minimum * NEAR:
        return "near", reason + " " + _(
            "That is close to the threshold: check with the exchange rate of your accounts."
        )
    return ("yes" if _compare(converted, minimum, strict) else "no"), reason


def _employees(profile: Profile, test: dict) -> tuple[str, str]:
    minimum, strict = int(test["min"]), bool(test.get("strict"))
    bound = (_("more than %(count)s") if strict else _("at least %(count)s")) % {
        "count": count(minimum)
    }
    met = profile.employees > minimum if strict else profile.employees >= minimum
    reason = _("Employees %(value)s: %(bound)s.") % {
        "value": count(profile.employees),
        "bound": bound,
    }
    return ("yes" if met else "no"), reason


def _presence(profile: Profile, rule: dict) -> str | None:
    """The reason the organisation is present in the rule's places, or None."""
    places = expand(rule.get("places", []))
    labels = {
        "incorporated": _("Incorporated in %(places)s."),
        "sells": _("Sells in %(places)s."),
        "imports": _("Imports into %(places)s."),
        "listed": _("Listed on a stock exchange in %(places)s."),
    }
    for presence in rule.get("presence", []):
        found = sorted(profile.places(presence) & places)
        if found:
            names = ", ".join(str(countries.name(code)) for code in found)
            return labels[presence] % {"places": names}
    return None


def evaluate_rule(rule: dict, profile: Profile) -> Result | None:
    """The result of one rule, or None when it does not hold."""
    if rule.get("everyone"):
        return Result(rule["level"], [local(rule, "note")])
    where = _presence(profile, rule)
    if where is None:
        return None
    tests = []
    if "turnover" in rule:
        tests.append(_turnover(profile, rule["turnover"]))
    if "employees" in rule:
        tests.append(_employees(profile, rule["employees"]))
    outcomes = [outcome for outcome, _reason in tests]
    level = rule["level"]
    if rule.get("thresholds", "all") == "any" and tests:
        if "yes" not in outcomes and "near" not in outcomes:
            return None
        if "yes" not in outcomes:
            level = CHECK
        shown = [reason for outcome, reason in tests if outcome != "no"]
    else:
        if "no" in outcomes:
            return None
        if "near" in outcomes:
            level = CHECK
        shown = [reason for _outcome, reason in tests]
    note = local(rule, "note")
    return Result(level, [where, *shown, *([note] if note else [])])


def evaluate(rules: list[dict], profile: Profile) -> Result | None:
    """Whether a law applies to `profile`: the first rule that holds, or None."""
    for rule in rules:
        result = evaluate_rule(rule, profile)
        if result is not None:
            return result
    return None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return _month_end(day.year + month // 12, month % 12 + 1)


def next_due(
    report: dict | None, year_end_month: int, today: datetime.date
) -> datetime.date | None:
    """The next date a report is due on or after `today`, or None when nothing is filed.

    {"months_after_year_end": N}: N months after the end of the financial year (which ends
    on the last day of `year_end_month`); {"every_year": "MM-DD"}: the same day each year.
    """
    if not report:
        return None
    if "every_year" in report:
        month, day = (int(part) for part in report["every_year"].split("-"))
        due = datetime.date(today.year, month, day)
        return due if due >= today else datetime.date(today.year + 1, month, day)
    months = int(report["months_after_year_end"])
    for year in (today.year - 1, today.year, today.year + 1):
        due = _add_months(_month_end(year, year_end_month), months)
        if due >= today:
            return due
    return None


def validate_rules(rules) -> list[str]:
    """What is wrong with a list of rules, in words an operator can act on (empty if fine)."""
    if not isinstance(rules, list) or not rules:
        return [_("The rules must be a list with at least one rule.")]
    errors = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            errors.append(_("Rule %(n)s is not a mapping of keys to values.") % {"n": number})
            continue
        if rule.get("level") not in LEVELS:
            errors.append(_("Rule %(n)s: the level must be applies or check.") % {"n": number})
        if rule.get("everyone"):
            continue
        presence = rule.get("presence")
        if not presence or not set(presence) <= set(PRESENCE):
            errors.append(
                _("Rule %(n)s: presence must list some of %(choices)s.")
                % {"n": number, "choices": ", ".join(PRESENCE)}
            )
        places = rule.get("places") or []
        unknown = [p for p in places if p != "EU" and p not in dict(countries)]
        if not places or unknown:
            errors.append(
                _("Rule %(n)s: places must list country codes (or EU); unknown: %(codes)s.")
                % {"n": number, "codes": ", ".join(map(str, unknown)) or "-"}
            )
        turnover = rule.get("turnover")
        if turnover is not None and (
            not isinstance(turnover, dict)
            or turnover.get("currency") not in RATES_PER_EUR
            or not isinstance(turnover.get("min"), int | float)
        ):
            errors.append(
                _("Rule %(n)s: turnover needs a number min and a currency among %(currencies)s.")
                % {"n": number, "currencies": ", ".join(RATES_PER_EUR)}
            )
        employees = rule.get("employees")
        if employees is not None and (
            not isinstance(employees, dict) or not isinstance(employees.get("min"), int)
        ):
            errors.append(_("Rule %(n)s: employees needs a whole number min.") % {"n": number})
        if rule.get("thresholds", "all") not in ("all", "any"):
            errors.append(_("Rule %(n)s: thresholds must be all or any.") % {"n": number})
    return errors
