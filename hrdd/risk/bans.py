"""Forced-labour import-ban screening: which of a supplier's places and goods meet a market's
import ban, on what data, and what a buyer would need to hold. Pure functions, no database:
the selectors hand in the rows of one TVPRA edition and the laws dataset's rows.

The rules are data (RULES), each naming its law in the laws dataset:

- U.S. Tariff Act section 307: a good × country listed for forced labour (or forced child
  labour) on the TVPRA list, or a good made with a listed input that is.
- UFLPA: a place in Xinjiang is under a rebuttable presumption; a Chinese good listed for
  forced labour, or a good made with a listed Chinese input, needs tracing that no input comes
  from the region; a Chinese place with such goods and no region needs the region found out.
- EU Forced Labour Regulation 2024/3015: the same forced-labour listings, worded "applies from
  14 December 2027" before that date.
- Canada, Customs Tariff item 9897.00.00: forced labour, and child labour since 2024.

Goods are matched with the list through risk.goods.GoodsIndex, like the risk method. A good
not on the list, a country not known and a place without goods each leave a note: nothing is
silently skipped. No data on the UFLPA Entity List or on CBP Withhold Release Orders is
loaded, and the output says so. A screening aid, not legal advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from hrdd.risk.goods import GoodsIndex, good_key

TARIFF_ACT_307 = "us_tariff_act_307"
UFLPA = "us_uflpa"
EU_FLR = "eu_flr"
CA_TARIFF = "ca_tariff_9897"

EU_FLR_APPLIES_FROM = date(2027, 12, 14)

# What a flag says about its place and good.
LISTED = "listed"  # the good of this country is on the list
INPUTS = "inputs"  # the good is made with a listed input
REGION = "region"  # the place is in the UFLPA region
TRACE = "trace"  # a Chinese listed good or input: show that nothing comes from the region
REGION_UNKNOWN = "region_unknown"  # as TRACE, and the place's region is not given

DISCLAIMER = gettext_lazy(
    "A screening aid, not legal advice: it compares what you recorded about your suppliers "
    "with public lists. A flag says where to look and what evidence to gather; no flag does "
    "not mean that goods may be imported."
)
NOT_CHECKED = gettext_lazy(
    "Not checked: the UFLPA Entity List and U.S. CBP Withhold Release Orders and Findings. "
    "No such data is loaded here, so no producer was compared with them: check them yourself."
)


@dataclass(frozen=True)
class Rule:
    """One import ban as the screening applies it."""

    id: str
    law_id: str  # the law's row in the laws dataset
    name: object  # lazy translation
    summary: object
    evidence: tuple  # what a buyer would need to hold, in our own words


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in [
        Rule(
            id=TARIFF_ACT_307,
            law_id="us_tariff_act_307",
            name=gettext_lazy("U.S. Tariff Act, section 307"),
            summary=gettext_lazy(
                "Goods made wholly or in part by forced labour, including forced child labour, "
                "may not be imported into the United States."
            ),
            evidence=(
                gettext_lazy(
                    "A map of the supply chain from the finished good to the raw material"
                ),
                gettext_lazy(
                    "Origin documents for each input: purchase orders, invoices, shipping "
                    "and production records"
                ),
                gettext_lazy(
                    "Evidence that no forced labour was used at each stage: audits, worker "
                    "interviews, wage and recruitment-fee records"
                ),
                gettext_lazy(
                    "A check of CBP Withhold Release Orders and Findings (not loaded here)"
                ),
            ),
        ),
        Rule(
            id=UFLPA,
            law_id="us_uflpa",
            name=gettext_lazy("Uyghur Forced Labor Prevention Act (UFLPA)"),
            summary=gettext_lazy(
                "Goods made wholly or in part in Xinjiang, or by an entity on the UFLPA Entity "
                "List, are presumed made with forced labour and are barred from the United "
                "States unless the importer proves otherwise."
            ),
            evidence=(
                gettext_lazy(
                    "Tracing of every input to its origin, showing that none comes from Xinjiang"
                ),
                gettext_lazy(
                    "Documents for each stage: contracts, invoices, shipping, production and "
                    "payment records"
                ),
                gettext_lazy(
                    "For anything from the region: clear and convincing evidence that no "
                    "forced labour was used"
                ),
                gettext_lazy(
                    "A check of every producer in the chain against the UFLPA Entity List "
                    "(not loaded here: check it yourself)"
                ),
            ),
        ),
        Rule(
            id=EU_FLR,
            law_id="eu_flr",
            name=gettext_lazy("EU Forced Labour Regulation (EU) 2024/3015"),
            summary=gettext_lazy(
                "Products made wholly or in part with forced labour may not be placed or made "
                "available on the EU market, or exported from it."
            ),
            evidence=(
                gettext_lazy(
                    "Due-diligence records on forced labour for the product and its inputs"
                ),
                gettext_lazy(
                    "The names of the manufacturers and suppliers of the product and its parts"
                ),
                gettext_lazy(
                    "Evidence ready for an authority's request: origin documents and proof "
                    "that no forced labour was used"
                ),
            ),
        ),
        Rule(
            id=CA_TARIFF,
            law_id="ca_s211",
            name=gettext_lazy("Canada, Customs Tariff item 9897.00.00"),
            summary=gettext_lazy(
                "Goods made wholly or in part by forced labour, or (since 1 January 2024, "
                "through the Act known as S-211) by child labour, may not be imported into "
                "Canada."
            ),
            evidence=(
                gettext_lazy(
                    "A map of the supply chain from the finished good to the raw material"
                ),
                gettext_lazy("Origin documents for each input"),
                gettext_lazy(
                    "Evidence that neither forced nor child labour was used at each stage: "
                    "audits, age-verification and recruitment records"
                ),
            ),
        ),
    ]
}

# The goods the 2022 list adds "produced with inputs" do not name their input in the data
# (only its country): the DOL's list names it. Keyed by good_key of the listed good.
LISTED_INPUTS = {
    "lithium-ion battery": "Cobalt ore (heterogenite)",
    "photovoltaic ingot": "Polysilicon",
    "photovoltaic wafer": "Polysilicon",
    "solar cell": "Polysilicon",
    "solar module": "Polysilicon",
    "crude palm oil": "Palm Fruit",
    "crude palm kernel oil": "Palm Fruit",
    "refined palm oil": "Palm Fruit",
    "refined palm kernel oil": "Palm Fruit",
    "oleochemical": "Palm Fruit",
}

# Names of the UFLPA region, compared without case, spaces or punctuation.
XINJIANG_NAMES = (
    "xinjiang",
    "sinkiang",
    "uyghurautonomousregion",
    "uygurautonomousregion",
    "uighurautonomousregion",
    "新疆",
)
XINJIANG_TOKENS = {"xuar"}


def is_xinjiang(region: str) -> bool:
    """Whether a region as written names Xinjiang (Xinjiang, XUAR, Sinkiang, 新疆, ...)."""
    text = (region or "").casefold()
    squeezed = re.sub(r"[\W_]+", "", text)
    if any(name in squeezed for name in XINJIANG_NAMES):
        return True
    return bool(XINJIANG_TOKENS & set(re.split(r"[\W_]+", text)))


def yes(row: dict, column: str) -> bool:
    return str(row.get(column) or "").strip().casefold() == "yes"


def forced(row: dict) -> bool:
    return yes(row, "forced_labor") or yes(row, "forced_child_labor")


def country_name(code: str) -> str:
    return str(countries.name(code) or code) if code else ""


@dataclass(frozen=True)
class Place:
    """Where goods are made: a site, or the supplier itself when it has no site."""

    name: str
    country: str  # ISO alpha-2, as recorded
    region: str = ""
    goods: tuple[str, ...] = ()
    is_site: bool = True


@dataclass
class Flag:
    """One rule met at one place, for one good (or for the place, for the UFLPA region)."""

    rule: Rule
    kind: str
    place: Place
    good: str  # as the buyer wrote it; "" for a flag about the place
    listed_good: str  # the name on the list; "" for a flag about the place
    edition_id: int | None
    data: dict[str, str]  # the published values behind the flag
    message: str

    @property
    def law(self) -> str:
        return self.rule.law_id

    @property
    def evidence(self) -> tuple:
        return self.rule.evidence


@dataclass
class Note:
    """Something the screening could not do, or found nothing for: never silence."""

    place: Place
    good: str
    message: str


@dataclass
class Exposure:
    flags: list[Flag] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def extend(self, other: Exposure) -> None:
        self.flags.extend(other.flags)
        self.notes.extend(other.notes)

    def rules(self) -> list[Rule]:
        """The rules met, in RULES order."""
        met = {flag.rule.id for flag in self.flags}
        return [rule for rule in RULES.values() if rule.id in met]


def listing_data(row: dict) -> dict[str, str]:
    """The published values of a row that the rules read."""
    data = {
        "country": row.get("country") or country_name(row.get("country_iso2", "")),
        "good": row.get("good", ""),
        "forced_labor": row.get("forced_labor") or "no",
        "forced_child_labor": row.get("forced_child_labor") or "no",
        "child_labor": row.get("child_labor") or "no",
    }
    if yes(row, "produced_with_listed_inputs"):
        data["produced_with_listed_inputs"] = "yes"
        data["input_source_country"] = row.get("input_source_country") or country_name(
            row.get("input_source_country_iso2", "")
        )
    return data


class Screening:
    """The rules applied to places, over the rows of one TVPRA edition."""

    def __init__(self, rows: list[dict], *, edition_id: int | None, edition_label: str = ""):
        self.edition_id = edition_id
        self.edition_label = edition_label
        self.rows: dict[str, dict[str, dict]] = {}
        for row in rows:
            code = row.get("country_iso2") or ""
            if code and row.get("good"):
                self.rows.setdefault(code, {})[row["good"]] = row
        self.indexes = {code: GoodsIndex(goods) for code, goods in self.rows.items()}
        self._cache: dict[tuple, Exposure] = {}

    def list_name(self) -> str:
        return _("the TVPRA list, edition %(edition)s") % {"edition": self.edition_label or "?"}

    def input_of(self, row: dict) -> tuple[str, dict | None]:
        """The listed input of a "produced with inputs" row and the source country's row for
        it (None when the list does not tell which input it is)."""
        source = row.get("input_source_country_iso2") or ""
        name = LISTED_INPUTS.get(good_key(row.get("good", "")), "")
        found = self.rows.get(source, {}).get(name) if name else None
        return (name if found else ""), found

    def screen(self, place: Place, *, today: date) -> Exposure:
        """Every flag and note for one place (results shared by identical places)."""
        key = (place.country, place.region, tuple(good_key(g) for g in place.goods), today)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._screen(
                Place(name="", country=place.country, region=place.region, goods=place.goods),
                today=today,
            )
        return Exposure(
            flags=[_rebind(flag, place) for flag in cached.flags],
            notes=[Note(place=place, good=n.good, message=n.message) for n in cached.notes],
        )

    def _screen(self, place: Place, *, today: date) -> Exposure:
        result = Exposure()
        code = place.country
        if not code or code not in countries:
            result.notes.append(
                Note(
                    place,
                    "",
                    _("Country not given or not recognised: this place was not screened."),
                )
            )
            return result
        name = country_name(code)
        in_china = code == "CN"
        in_region = in_china and is_xinjiang(place.region)
        if in_region:
            result.flags.append(
                self._flag(
                    UFLPA,
                    REGION,
                    place,
                    data={"region": place.region},
                    message=_(
                        "In Xinjiang (%(region)s): everything made here is presumed made with "
                        "forced labour and barred from the United States unless the importer "
                        "proves otherwise."
                    )
                    % {"region": place.region},
                    edition_id=None,
                )
            )
        if not place.goods:
            result.notes.append(
                Note(place, "", _("No goods given: the goods of this place were not screened."))
            )
        elif code not in self.rows:
            result.notes.append(
                Note(
                    place,
                    "",
                    _("No good of %(country)s is on %(list)s: no listing (not a clearance).")
                    % {"country": name, "list": self.list_name()},
                )
            )
        else:
            for good in place.goods:
                matches = self.indexes[code].match(good)
                if not matches:
                    result.notes.append(
                        Note(
                            place,
                            good,
                            _("%(good)s: no listing for %(country)s on %(list)s.")
                            % {"good": good, "country": name, "list": self.list_name()},
                        )
                    )
                for listed in matches:
                    self._good(result, place, good, self.rows[code][listed], in_region, today)
        china_flags = any(f.rule.id == UFLPA for f in result.flags)
        if in_china and not place.region.strip() and not china_flags:
            result.notes.append(
                Note(
                    place,
                    "",
                    _(
                        "Region not given: the UFLPA presumption covers anything made in "
                        "Xinjiang, so find out where in China this place is."
                    ),
                )
            )
        return result

    def _good(self, result, place, good, row, in_region, today) -> None:
        """The flags of one listed row matched by a good at a place."""
        data = listing_data(row)
        listed = row["good"]
        country = country_name(row.get("country_iso2", "")) or data["country"]
        if yes(row, "produced_with_listed_inputs"):
            input_name, input_row = self.input_of(row)
            source = row.get("input_source_country_iso2") or ""
            source_name = country_name(source) or data["input_source_country"]
            if input_row is not None:
                data |= {
                    "input": input_name,
                    "input_forced_labor": "yes" if forced(input_row) else "no",
                    "input_child_labor": input_row.get("child_labor") or "no",
                }
                is_forced, is_child = forced(input_row), yes(input_row, "child_labor")
                what = _("%(good)s of %(country)s is made with %(input)s from %(source)s") % {
                    "good": listed,
                    "country": country,
                    "input": input_name,
                    "source": source_name,
                }
            else:  # the input is not identified: read it as the worst the list covers
                is_forced = is_child = True
                what = _(
                    "%(good)s of %(country)s is made with a listed input from %(source)s "
                    "(the list's data does not name the input)"
                ) % {"good": listed, "country": country, "source": source_name}
            kind, china_source = INPUTS, source == "CN"
        else:
            is_forced, is_child = forced(row), yes(row, "child_labor")
            what = _("%(good)s of %(country)s is on %(list)s") % {
                "good": listed,
                "country": country,
                "list": self.list_name(),
            }
            kind, china_source = LISTED, place.country == "CN" and is_forced
        labour = (
            _("for forced labour")
            if is_forced and not is_child
            else _("for forced and child labour")
            if is_forced
            else _("for child labour")
        )
        statement = _("%(what)s, listed %(labour)s.") % {"what": what, "labour": labour}
        edition = self.edition_id
        if is_forced:
            result.flags.append(
                self._flag(TARIFF_ACT_307, kind, place, good, listed, data, statement, edition)
            )
            if today < EU_FLR_APPLIES_FROM:
                when = _("Applies from 14 December 2027.")
            else:
                when = _("Applies since 14 December 2027.")
            result.flags.append(
                self._flag(EU_FLR, kind, place, good, listed, data, f"{statement} {when}", edition)
            )
        if is_forced or is_child:
            result.flags.append(
                self._flag(CA_TARIFF, kind, place, good, listed, data, statement, edition)
            )
        if china_source and not in_region:
            if place.country == "CN" and not place.region.strip():
                flag_kind = REGION_UNKNOWN
                message = _(
                    "%(statement)s The region of this place in China is not given: establish "
                    "it, and trace that no input comes from Xinjiang."
                ) % {"statement": statement}
            else:
                flag_kind = TRACE
                message = _("%(statement)s Trace that no input comes from Xinjiang.") % {
                    "statement": statement
                }
            result.flags.append(
                self._flag(UFLPA, flag_kind, place, good, listed, data, message, edition)
            )

    def _flag(self, rule, kind, place, good="", listed="", data=None, message="", edition_id=None):
        return Flag(
            rule=RULES[rule],
            kind=kind,
            place=place,
            good=good,
            listed_good=listed,
            edition_id=edition_id,
            data=dict(data or {}),
            message=message,
        )


def _rebind(flag: Flag, place: Place) -> Flag:
    return Flag(
        rule=flag.rule,
        kind=flag.kind,
        place=place,
        good=flag.good,
        listed_good=flag.listed_good,
        edition_id=flag.edition_id,
        data=flag.data,
        message=flag.message,
    )


def screen_places(screening: Screening, places: list[Place], *, today: date) -> Exposure:
    """The flags and notes of several places (a supplier's sites)."""
    result = Exposure()
    for place in places:
        result.extend(screening.screen(place, today=today))
    return result


def laws_by_id(rows: list[dict]) -> dict[str, dict]:
    """The laws dataset's rows by law_id (name, official URL, ...), for the flags' rules."""
    return {row["law_id"]: row for row in rows if row.get("law_id")}
