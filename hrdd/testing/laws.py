"""Builders for the laws app's tests: a law's rules as shipped, a profile, saved answers."""

from decimal import Decimal
from functools import cache

import yaml

from hrdd.laws import applicability
from hrdd.laws.services import DATA_FILE, answers_save


@cache
def _entries() -> dict:
    return {e["code"]: e for e in yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))}


def shipped_entry(code: str) -> dict:
    """One entry of the shipped library file, read once."""
    return _entries()[code]


def profile(incorporated_in="JP", *, sells=(), imports=(), listed=(), **fields):
    """A profile with a turnover given as (amount, currency) or a plain amount in EUR."""
    turnover = fields.pop("turnover", 0)
    currency = fields.pop("currency", "EUR")
    return applicability.Profile(
        incorporated_in=incorporated_in,
        sells_in=frozenset(sells),
        imports_into=frozenset(imports),
        listed_in=frozenset(listed),
        turnover=Decimal(turnover),
        currency=currency,
        **fields,
    )


def applies(code: str, facts: applicability.Profile):
    """The result of the shipped law `code` for `facts` (None: it does not apply)."""
    return applicability.evaluate(shipped_entry(code)["rules"], facts)


def saved_answers(organisation, by=None, **fields):
    values = {
        "incorporated_in": "GB",
        "sells_in": ["GB", "FR"],
        "imports_into": ["GB"],
        "listed_in": [],
        "turnover": Decimal(50_000_000),
        "currency": "GBP",
        "employees": 400,
        "year_end_month": 12,
        **fields,
    }
    return answers_save(organisation=organisation, by=by, **values)
