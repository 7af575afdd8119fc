"""Matching the goods a buyer writes ("cotton; garments") with the goods a list names
("Cotton", "Garments", "Bricks (clay)", "Tin ore (cassiterite)"), and a supplier's industry
with the list's sectors. Pure functions: the risk method, the prioritisation and the
import-ban screening all compare goods here, so that they never disagree.

Matching is deliberately plain and explainable: case, spacing and a final plural are
ignored; a listed name also answers to its main part ("Bricks" for "Bricks (clay)"), each
of its slash-separated names ("Chestnuts" for "Brazil Nuts/Chestnuts") and an ore's metal
("Cobalt" for "Cobalt ore (heterogenite)"), and the mineral a parenthesis names
("coltan"). Nothing fuzzier: a screening that matches "tin" with "tinned tomatoes" would
be noise, and one that misses "Tin" for "tin" would be wrong.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from hrdd.reference.specs import SECTORS

# A parenthesis names a variety or a category ("(clay)", "(mineral)") or another name of the
# same good ("(coltan)", "(heterogenite)"): only the latter are aliases.
PARENTHESIS_ALIASES = {"coltan", "heterogenite", "cassiterite", "wolframite", "agarbatti", "miraa"}

# Which of the list's sectors a supplier's industry may fall in when its goods are not given.
INDUSTRY_SECTORS = {
    "apparel": ("Manufacturing", "Agriculture"),  # garments, textiles, and the cotton in them
    "electronics": ("Manufacturing", "Mining"),  # assembly, and the minerals in it
    "food": ("Agriculture", "Manufacturing"),
    "agriculture": ("Agriculture",),
    "fisheries": ("Agriculture", "Manufacturing"),  # the list files fish under agriculture
    "automotive": ("Manufacturing", "Mining"),
    "chemicals": ("Manufacturing",),
    "construction": ("Manufacturing", "Mining"),  # bricks, cement, stones
    "retail": ("Manufacturing",),
    "services": ("Other",),
}


def good_key(text: str) -> str:
    """How one good's name is compared: case, spacing, punctuation at the ends and a final
    plural ignored."""
    key = " ".join(text.replace("\u3000", " ").split()).casefold().strip(" .,;:-")
    if key.endswith("ies") and len(key) > 4:
        return key[:-3] + "y"
    if key.endswith(("ches", "shes", "sses", "xes", "oes")) and len(key) > 4:
        return key[:-2]
    if key.endswith("s") and not key.endswith("ss") and len(key) > 3:
        return key[:-1]
    return key


def listed_keys(name: str) -> set[str]:
    """Every key a listed good's name answers to."""
    keys = {good_key(name)}
    main = re.sub(r"\s*\([^)]*\)", "", name).strip()
    for part in [main, *main.split("/")]:
        if part.strip():
            keys.add(good_key(part))
            if good_key(part).endswith(" ore"):
                keys.add(good_key(part)[: -len(" ore")])
    for inside in re.findall(r"\(([^)]*)\)", name):
        if inside.strip().casefold() in PARENTHESIS_ALIASES:
            keys.add(good_key(inside))
    keys.discard("")
    return keys


class GoodsIndex:
    """The names of one list's goods, looked up by what a buyer wrote."""

    def __init__(self, names: Iterable[str]):
        self._by_key: dict[str, set[str]] = defaultdict(set)
        for name in names:
            for key in listed_keys(name):
                self._by_key[key].add(name)

    def match(self, text: str) -> list[str]:
        """The listed names that `text` (one good) names, sorted; [] for none."""
        return sorted(self._by_key.get(good_key(text), ()))

    def __contains__(self, text: str) -> bool:
        return good_key(text) in self._by_key


def sectors_for_industry(industry: str) -> tuple[str, ...]:
    """The list's sectors a supplier of this industry may work in; every sector when the
    industry is not given or is "other" (unknown is never read as low)."""
    return INDUSTRY_SECTORS.get(industry, SECTORS)
