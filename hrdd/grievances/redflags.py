"""Signs of forced labour or trafficking in a report: a short optional checklist in plain
words, each question standing for one of the ILO indicators of forced labour (the
reference dataset `ilo_indicators`, hrdd/reference/data/ilo_forced_labour_indicators.csv,
ILO SAP-FL 2012). A ticked question on the report or in a reply flags the case: the
handlers are alerted (without content) and the reporter is shown where to get help now."""

from django.utils.translation import gettext_lazy as _

from hrdd.reference import selectors as reference

DATASET = "ilo_indicators"

# (form field, question in plain words, ILO indicator id)
QUESTIONS = (
    (
        "flag_documents",
        _("Does your employer or agent keep your passport or ID card?"),
        "retention_of_identity_documents",
    ),
    (
        "flag_debt",
        _("Do you owe money for your recruitment or to get this job?"),
        "debt_bondage",
    ),
    (
        "flag_movement",
        _("Are you stopped from leaving the workplace or your housing when you want?"),
        "restriction_of_movement",
    ),
    (
        "flag_threats",
        _(
            "Has anyone threatened you or your family, or threatened to report you to the "
            "police or immigration?"
        ),
        "intimidation_and_threats",
    ),
    (
        "flag_violence",
        _("Has anyone hit you, hurt you or abused you sexually?"),
        "physical_and_sexual_violence",
    ),
    (
        "flag_wages",
        _("Is your pay held back so that you cannot leave?"),
        "withholding_of_wages",
    ),
    (
        "flag_deception",
        _("Is the job very different from what you were promised?"),
        "deception",
    ),
)
FIELDS = tuple(field for field, _question, _indicator in QUESTIONS)
INDICATOR_OF = {field: indicator for field, _question, indicator in QUESTIONS}


def indicators_from(answers: dict) -> list[str]:
    """The ILO indicator ids of the ticked questions, in the checklist's order."""
    return [INDICATOR_OF[field] for field in FIELDS if answers.get(field)]


def indicator_names() -> dict[str, str]:
    """Indicator id → its name in the loaded ILO dataset (the id if it is not loaded)."""
    edition = reference.current_edition(DATASET)
    rows = reference.edition_rows(edition) if edition else []
    names = {row["indicator_id"]: row["indicator_name"] for row in rows if "indicator_id" in row}
    return {
        indicator: names.get(indicator, indicator.replace("_", " ").capitalize())
        for _field, _question, indicator in QUESTIONS
    }
