"""The structure each law asks a statement to follow, section by section, and which of the
product's figures (figures.BLOCKS) fill each section. A section with no block is one the
product holds no data for: the buyer writes it in its own words (render.py says so)."""

from django.utils.translation import gettext_lazy as _

SUPPLY_CHAIN = "supply_chain"
POLICIES = "policies"
RISK = "risk"
CAMPAIGNS = "campaigns"
REMEDIATION = "remediation"
GRIEVANCES = "grievances"
DIALOGUE = "dialogue"
EFFECTIVENESS = "effectiveness"
CHANGES = "changes"


def _section(key, title, guidance, blocks):
    return {"key": key, "title": title, "guidance": guidance, "blocks": blocks}


FRAMEWORKS = {
    "uk_msa": {
        "name": _("UK Modern Slavery Act 2015, section 54"),
        "sections": [
            _section(
                "structure",
                _("Organisation structure, business and supply chains"),
                _("Describe your structure, your business and your supply chains."),
                [SUPPLY_CHAIN],
            ),
            _section(
                "policies",
                _("Policies in relation to slavery and human trafficking"),
                _("Name the policies you adopted and how they apply to suppliers."),
                [POLICIES],
            ),
            _section(
                "due_diligence",
                _("Due diligence processes"),
                _("Explain how you assess suppliers and follow up what you find."),
                [CAMPAIGNS, REMEDIATION, DIALOGUE],
            ),
            _section(
                "risk",
                _("Parts of the business and supply chains at risk, and how risk is managed"),
                _("Say where the risk of slavery is highest and what you do about it."),
                [RISK, GRIEVANCES],
            ),
            _section(
                "effectiveness",
                _("Effectiveness, measured against performance indicators"),
                _("Report the indicators you use and how they changed."),
                [EFFECTIVENESS, CHANGES],
            ),
            _section(
                "training",
                _("Training about slavery and human trafficking"),
                _("Describe the training available to your staff and suppliers."),
                [],
            ),
        ],
    },
    "au_msa": {
        "name": _("Australia Modern Slavery Act 2018, mandatory criteria"),
        "sections": [
            _section(
                "entity",
                _("1. The reporting entity"),
                _("Identify the reporting entity."),
                [],
            ),
            _section(
                "structure",
                _("2. Structure, operations and supply chains"),
                _("Describe the entity's structure, operations and supply chains."),
                [SUPPLY_CHAIN],
            ),
            _section(
                "risks",
                _("3. Risks of modern slavery in operations and supply chains"),
                _("Describe the risks of modern slavery practices."),
                [RISK],
            ),
            _section(
                "actions",
                _("4. Actions taken to assess and address those risks"),
                _("Describe the actions taken, including due diligence and remediation."),
                [POLICIES, CAMPAIGNS, REMEDIATION, GRIEVANCES],
            ),
            _section(
                "effectiveness",
                _("5. How the effectiveness of those actions is assessed"),
                _("Describe how you assess whether your actions work."),
                [EFFECTIVENESS, CHANGES],
            ),
            _section(
                "consultation",
                _("6. Consultation with entities owned or controlled"),
                _("Describe how you consulted the entities you own or control."),
                [],
            ),
            _section(
                "other",
                _("7. Any other relevant information"),
                _("Add anything else relevant, such as your dialogue with stakeholders."),
                [DIALOGUE],
            ),
        ],
    },
    "ca_s211": {
        "name": _(
            "Canada Fighting Against Forced Labour and Child Labour in Supply Chains Act (S-211)"
        ),
        "sections": [
            _section(
                "structure",
                _("Structure, activities and supply chains"),
                _("Describe your structure, activities and supply chains."),
                [SUPPLY_CHAIN],
            ),
            _section(
                "policies",
                _("Policies and due diligence processes"),
                _("Describe your policies and due diligence processes on forced and child labour."),
                [POLICIES, CAMPAIGNS, DIALOGUE],
            ),
            _section(
                "risk",
                _(
                    "Parts of the business and supply chains at risk, and steps taken to assess "
                    "and manage that risk"
                ),
                _("Say where the risk is and how you assess and manage it."),
                [RISK],
            ),
            _section(
                "remediation",
                _("Measures taken to remediate any forced labour or child labour"),
                _("Describe the remediation measures taken."),
                [REMEDIATION, GRIEVANCES],
            ),
            _section(
                "income",
                _("Measures taken to remediate the loss of income to the most vulnerable families"),
                _("Describe measures for families that lost income through your measures."),
                [],
            ),
            _section(
                "training",
                _("Training provided to employees on forced labour and child labour"),
                _("Describe the training provided to employees."),
                [],
            ),
            _section(
                "effectiveness",
                _("How the entity assesses its effectiveness"),
                _("Describe how you assess the effectiveness of your measures."),
                [EFFECTIVENESS, CHANGES],
            ),
        ],
    },
    "de_lksg": {
        "name": _("Germany Supply Chain Due Diligence Act (LkSG), annual report"),
        "sections": [
            _section(
                "strategy",
                _("Policy statement and responsibility"),
                _("Describe your policy statement and who is responsible for risk management."),
                [POLICIES],
            ),
            _section(
                "risk_analysis",
                _("Risk analysis: risks identified and prioritised"),
                _("Describe the risks you identified and how you prioritised them."),
                [SUPPLY_CHAIN, RISK],
            ),
            _section(
                "prevention",
                _("Preventive measures"),
                _("Describe the preventive measures taken at your suppliers."),
                [CAMPAIGNS, DIALOGUE],
            ),
            _section(
                "remedial",
                _("Remedial action"),
                _("Describe the remedial action taken on violations found."),
                [REMEDIATION],
            ),
            _section(
                "complaints",
                _("Complaints procedure"),
                _("Describe the complaints procedure and the complaints received."),
                [GRIEVANCES],
            ),
            _section(
                "effectiveness",
                _("Review of effectiveness and conclusions for the future"),
                _("Describe how you reviewed effectiveness and what you conclude."),
                [EFFECTIVENESS, CHANGES],
            ),
        ],
    },
    "jp_guidelines": {
        "name": _(
            "Japan Guidelines on Respecting Human Rights in Responsible Supply Chains (2022)"
        ),
        "sections": [
            _section(
                "policy",
                _("Human rights policy"),
                _("Describe your human rights policy and how it was adopted."),
                [POLICIES],
            ),
            _section(
                "identify",
                _("Identifying and assessing adverse impacts"),
                _("Describe how you identified and assessed adverse impacts."),
                [SUPPLY_CHAIN, RISK, CAMPAIGNS],
            ),
            _section(
                "prevent",
                _("Ceasing, preventing and mitigating adverse impacts"),
                _("Describe what you did to cease, prevent and mitigate them."),
                [REMEDIATION],
            ),
            _section(
                "track",
                _("Tracking effectiveness"),
                _("Describe how you track the effectiveness of your measures."),
                [EFFECTIVENESS, CHANGES],
            ),
            _section(
                "remedy",
                _("Remedy and grievance mechanisms"),
                _("Describe your grievance mechanism and remedy provided."),
                [GRIEVANCES],
            ),
            _section(
                "stakeholders",
                _("Dialogue with stakeholders"),
                _("Describe your engagement with stakeholders."),
                [DIALOGUE],
            ),
        ],
    },
}


def sections_of(framework: str) -> list[dict]:
    return FRAMEWORKS[framework]["sections"]
