"""The declared columns of every dataset kind, and the shipped files with their provenance.

A file is checked against its spec before anything is written: a header that lost a required
column, or gained one the spec does not know, is refused with one message naming them.
Header aliases let the operator load the official files as published (e.g. the DOL's TVPRA
XLSX with "Country/Area", "Good", "Child Labor", ...).
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _

DATA_DIR = Path(__file__).resolve().parent / "data"

YES_NO = "yes_no"
NUMBER = "number"
SHARE = "share"
TEXT = "text"


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    kind: str = TEXT


@dataclass(frozen=True)
class Spec:
    code: str
    name: object  # lazy translation
    columns: tuple[Column, ...]
    country_column: str = ""  # canonical name holding ISO alpha-2 (filled from `country` if absent)
    shipped_file: str = ""
    shipped_edition: str = ""
    source: str = ""
    source_url: str = ""
    licence: str = ""
    notes: str = ""
    ignored: tuple[str, ...] = field(default=())  # published columns we read past on purpose
    # column → accepted values (compared case-insensitively, stored as written here)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (column, key column): when a file has no such column, take the value from the current
    # edition's rows with the same key (e.g. a good's sector), else a row error
    fill_from_current: tuple[str, str] | None = None

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


SECTORS = ("Agriculture", "Manufacturing", "Mining", "Other")

PUBLIC_DOMAIN_US = "U.S. federal government work, public domain (17 U.S.C. §105)."

SPECS: dict[str, Spec] = {
    spec.code: spec
    for spec in [
        Spec(
            code="tvpra",
            name=_("DOL List of Goods Produced by Child Labor or Forced Labor (TVPRA)"),
            columns=(
                Column("country", ("country/area", "country / area")),
                Column("country_iso2", required=False),
                Column("ilab_region", ("region",), required=False),
                Column("good", ("goods",)),
                Column("sector", required=False),
                Column("child_labor", ("child labor", "child labour"), kind=YES_NO),
                Column("forced_labor", ("forced labor", "forced labour"), kind=YES_NO),
                Column(
                    "forced_child_labor",
                    ("forced child labor", "forced child labour"),
                    required=False,
                    kind=YES_NO,
                ),
                Column(
                    "produced_with_listed_inputs",
                    ("produced with inputs", "derived labor exploitation"),
                    required=False,
                    kind=YES_NO,
                ),
                Column("input_source_country", required=False),
                Column("input_source_country_iso2", required=False),
                Column("list_edition", required=False),
                Column("year_added", ("year added",), required=False),
            ),
            country_column="country_iso2",
            choices={"sector": SECTORS},
            fill_from_current=("sector", "good"),
            shipped_file="dol_ilab_tvpra_goods_2022.csv",
            shipped_edition="2022",
            source=(
                "U.S. Department of Labor, ILAB, 2022 List of Goods Produced by Child Labor or "
                "Forced Labor; via the DOL Sweat & Toil app "
                "(USDepartmentofLabor/Child-Labor-Android,"
                " goods_2021.xml at b8891386cc88513baa4411196561934f0a36f063)"
            ),
            source_url="https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods",
            licence=PUBLIC_DOMAIN_US,
            notes="457 direct rows + 10 'produced with inputs' rows; no 'year added' column.",
        ),
        Spec(
            code="child_labor_findings",
            name=_("DOL Findings on the Worst Forms of Child Labor (country assessments)"),
            columns=(
                Column("country"),
                Column("country_iso2", required=False),
                Column("ilab_region", required=False),
                Column("reporting_year", required=False),
                Column("advancement_level", ("assessment", "advancement level")),
                Column("multiple_territories", required=False),
                *(
                    Column(name, required=False)
                    for name in (
                        "c138_ratified",
                        "c182_ratified",
                        "crc_ratified",
                        "crc_armed_conflict_ratified",
                        "crc_sexual_exploitation_ratified",
                        "palermo_protocol_ratified",
                        "working_children_age_range",
                    )
                ),
                Column("working_children_share", kind=SHARE),
                Column("working_children_share_agriculture", required=False, kind=SHARE),
                Column("working_children_share_industry", required=False, kind=SHARE),
                Column("working_children_share_services", required=False, kind=SHARE),
                Column("ilab_country_page", required=False),
            ),
            country_column="country_iso2",
            shipped_file="dol_ilab_child_labor_findings_2022.csv",
            shipped_edition="2022",
            source=(
                "U.S. Department of Labor, ILAB, Findings on the Worst Forms of Child Labor, "
                "reporting year 2022 (published Sept 2023); via the DOL Sweat & Toil app "
                "(countries_2021.xml at b8891386cc88513baa4411196561934f0a36f063)"
            ),
            source_url="https://www.dol.gov/agencies/ilab/resources/reports/child-labor/findings",
            licence=PUBLIC_DOMAIN_US,
            notes="131 countries and territories; 'Unavailable' shares are empty.",
        ),
        Spec(
            code="tip",
            name=_("U.S. TIP Report: Tier 2 Watch List and Tier 3"),
            columns=(
                Column("tip_report_year", ("year", "report year"), kind=NUMBER),
                Column("tier"),
                Column("country_as_published", ("country",)),
                Column("country_iso2", required=False),
                Column("factbook_commit", required=False),
            ),
            country_column="country_iso2",
            shipped_file="us_tip_tier2watch_tier3_2022_2025.csv",
            shipped_edition="2022-2025",
            source=(
                "U.S. Department of State, Trafficking in Persons Report 2022-2025 (Tier 2 Watch "
                "List and Tier 3), via the CIA World Factbook (factbook/factbook.json)"
            ),
            source_url="https://www.state.gov/trafficking-in-persons-report/",
            licence=PUBLIC_DOMAIN_US,
            notes=(
                "Only Tier 2 Watch List and Tier 3. A country absent from this list is Tier 1, "
                "Tier 2 or a special case: absence is not a low-risk signal."
            ),
        ),
        Spec(
            code="wgi",
            name=_("World Bank Worldwide Governance Indicators"),
            columns=(
                Column("wgi_code", ("code",)),
                Column("country_iso2", required=False),
                Column("country", ("countryname",)),
                Column("year", kind=NUMBER),
                *(
                    Column(f"{dim}_{part}", required=part != "nsource", kind=NUMBER)
                    for dim in ("va", "pv", "ge", "rq", "rl", "cc")
                    for part in ("estimate", "pctrank", "nsource")
                ),
            ),
            country_column="country_iso2",
            shipped_file="worldbank_wgi_2023.csv",
            shipped_edition="2023",
            source=(
                "Kaufmann D. and A. Kraay, Worldwide Governance Indicators, 2024 Update "
                "(www.govindicators.org); data year 2023, reshaped long to wide (third-party copy "
                "lmorgans/WGIdata at 05f52f816a6c09473096edbf657aa310d5c30507)"
            ),
            source_url="https://www.worldbank.org/en/publication/worldwide-governance-indicators",
            licence="CC BY 4.0 (attribution required); the data was reshaped.",
        ),
        Spec(
            code="ilo_indicators",
            name=_("ILO indicators of forced labour"),
            columns=(
                Column("order", kind=NUMBER),
                Column("indicator_id"),
                Column("indicator_name"),
                Column("description_own_words", required=False),
                Column("source", required=False),
                Column("source_url", required=False),
            ),
            shipped_file="ilo_forced_labour_indicators.csv",
            shipped_edition="2012",
            source="ILO SAP-FL, ILO Indicators of Forced Labour (2012)",
            source_url="https://www.ilo.org/wcmsp5/groups/public/---ed_norm/---declaration/documents/publication/wcms_203832.pdf",
            licence=(
                "Names are short factual labels cited to the ILO; descriptions in our own words."
            ),
        ),
        Spec(
            code="oecd_steps",
            name=_("OECD due-diligence steps"),
            columns=(
                Column("step", kind=NUMBER),
                Column("step_name"),
                Column("summary_own_words", required=False),
                Column("source", required=False),
                Column("source_url", required=False),
            ),
            shipped_file="oecd_rbc_due_diligence_steps.csv",
            shipped_edition="2018",
            source="OECD (2018), OECD Due Diligence Guidance for Responsible Business Conduct",
            source_url="https://mneguidelines.oecd.org/OECD-Due-Diligence-Guidance-for-Responsible-Business-Conduct.pdf",
            licence="© OECD; step names cited with acknowledgement, summaries in our own words.",
        ),
        Spec(
            code="dhaka",
            name=_("Dhaka Principles for Migration with Dignity"),
            columns=(
                Column("id"),
                Column("kind"),
                Column("name"),
                Column("verification", required=False),
                Column("source", required=False),
                Column("source_url", required=False),
            ),
            shipped_file="dhaka_principles.csv",
            shipped_edition="2012",
            source="Institute for Human Rights and Business (IHRB), Dhaka Principles (2012)",
            source_url="https://www.ihrb.org/dhaka-principles",
            licence="Short titles cited to IHRB.",
        ),
        Spec(
            code="laws",
            name=_("Supply-chain human-rights laws"),
            columns=(
                Column("law_id"),
                Column("short_name"),
                Column("full_name"),
                Column("jurisdiction"),
                *(
                    Column(name, required=False)
                    for name in (
                        "jurisdiction_code",
                        "instrument_type",
                        "binding",
                        "in_force_from",
                        "scope_thresholds",
                        "core_obligation",
                        "enforcement",
                        "status_notes",
                        "official_url",
                        "secondary_url",
                    )
                ),
            ),
            shipped_file="supply_chain_hr_laws.csv",
            shipped_edition="2026-11",
            source="Compiled for the platform from public pages, in our own words (SOURCES.md §8)",
            licence="Our own summaries; not legal advice.",
        ),
    ]
}

# Countries named in the published data that have no ISO 3166-1 code: kept, with no code.
NO_ISO_CODE = {"kosovo", "netherlands antilles (former)", "netherlands antilles"}

# Names as the U.S. government publishes them that django-countries does not know.
COUNTRY_NAME_OVERRIDES = {
    "burma": "MM",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "republic of the congo": "CG",
    "turkey (türkiye)": "TR",
    "türkiye": "TR",
    "turkey": "TR",
    "people's republic of china": "CN",
    "china": "CN",
    "russia": "RU",
    "vietnam": "VN",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "north korea": "KP",
    "korea, north": "KP",
    "south korea": "KR",
    "korea, south": "KR",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "cote d'ivoire": "CI",
    "côte d'ivoire": "CI",
    "the gambia": "GM",
    "gambia, the": "GM",
    "the bahamas": "BS",
    "bahamas, the": "BS",
    "macau": "MO",
    "curacao": "CW",
    "curaçao": "CW",
    "sint maarten": "SX",
    "west bank and the gaza strip": "PS",
    "burkina faso": "BF",
}
