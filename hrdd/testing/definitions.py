"""Small questionnaire definitions that several test modules answer (the built-in ones are
in hrdd/questionnaires/definitions/). Each is what an author would upload: publish it with
world.campaign_on.
"""

import copy

DONT_KNOW = {"code": "dont_know", "text": {"en": "Don't know", "vi": "Không biết"}}
PREFER_NOT = {"code": "prefer_not_to_say", "text": {"en": "Prefer not to say", "vi": "Không nói"}}


def _t(en: str) -> dict:
    return {"en": en, "vi": f"{en} (vi)"}


def special_answers_definition() -> dict:
    """Number, date, country and percentage questions declaring "don't know" and "prefer not
    to say"; a new dict each call, for tests that change it."""
    return {
        "format": 1,
        "code": "specials",
        "version": 1,
        "languages": ["en", "vi"],
        "title": _t("Special answers"),
        "topics": {"work": _t("Work")},
        "sections": [
            {
                "code": "main",
                "title": _t("Main"),
                "questions": [
                    {
                        "code": "q01_hours",
                        "type": "number",
                        "required": True,
                        "integer": True,
                        "topic": "work",
                        "text": _t("Weekly hours?"),
                        "bands": [
                            {"code": "normal", "text": _t("Up to 48"), "max": 48, "risk": "none"},
                            {"code": "long", "text": _t("Over 48"), "min": 49, "risk": "high"},
                        ],
                        "special_answers": [DONT_KNOW, PREFER_NOT],
                    },
                    {
                        "code": "q02_started",
                        "type": "date",
                        "topic": "work",
                        "text": _t("Since when?"),
                        "special_answers": [DONT_KNOW],
                    },
                    {
                        "code": "q03_origin",
                        "type": "country",
                        "topic": "work",
                        "text": _t("From where?"),
                        "special_answers": [DONT_KNOW, PREFER_NOT],
                    },
                    {
                        "code": "q04_share",
                        "type": "percentage",
                        "topic": "work",
                        "text": _t("What share?"),
                        "show_if": {"question": "q01_hours", "equals": "dont_know"},
                        "special_answers": [PREFER_NOT],
                    },
                ],
            }
        ],
    }


def _yes_no(risk_yes="high"):
    return [
        {"code": "yes", "text": {"en": "Yes", "vi": "Có"}, "risk": risk_yes},
        {"code": "no", "text": {"en": "No", "vi": "Không"}, "risk": "none"},
        {
            "code": "dont_know",
            "special": "dont_know",
            "text": {"en": "Don't know", "vi": "Không biết"},
        },
    ]


# Two pages in English and Vietnamese (a draft translation); the amount of the fees and whether
# they were repaid are asked only when fees were paid.
RECRUITMENT = {
    "format": 1,
    "code": "recruitment-check",
    "version": 1,
    "languages": ["en", "vi"],
    "draft_languages": ["vi"],
    "title": {"en": "Recruitment check", "vi": "Kiểm tra tuyển dụng"},
    "topics": {"recruitment": {"en": "Recruitment", "vi": "Tuyển dụng"}},
    "sections": [
        {
            "code": "fees",
            "title": {"en": "Fees", "vi": "Phí tuyển dụng"},
            "questions": [
                {
                    "code": "q01_fees",
                    "type": "yes_no",
                    "required": True,
                    "topic": "recruitment",
                    "text": {
                        "en": "Did workers pay recruitment fees?",
                        "vi": "Người lao động có phải trả phí tuyển dụng không?",
                    },
                    "options": _yes_no(),
                },
                {
                    "code": "q02_months",
                    "type": "number",
                    "integer": True,
                    "min": 0,
                    "max": 36,
                    "topic": "recruitment",
                    "show_if": {"question": "q01_fees", "equals": "yes"},
                    "required_if": {"question": "q01_fees", "equals": "yes"},
                    "unit": {"en": "months of wages", "vi": "tháng lương"},
                    "text": {"en": "How much, in months of wages?", "vi": "Bao nhiêu tháng lương?"},
                },
            ],
        },
        {
            "code": "documents",
            "title": {"en": "Documents", "vi": "Giấy tờ"},
            "questions": [
                {
                    "code": "q03_passports",
                    "type": "yes_no",
                    "required": True,
                    "topic": "recruitment",
                    "text": {
                        "en": "Does the company keep passports?",
                        "vi": "Công ty có giữ hộ chiếu của người lao động không?",
                    },
                    "options": _yes_no(),
                },
                {
                    "code": "q04_repaid",
                    "type": "yes_no",
                    "topic": "recruitment",
                    "show_if": {"question": "q01_fees", "equals": "yes"},
                    "text": {
                        "en": "Were the fees repaid to workers?",
                        "vi": "Phí đã được hoàn trả cho người lao động chưa?",
                    },
                    "options": _yes_no(risk_yes="none"),
                },
            ],
        },
    ],
}


def small_definition(code="supplier-basics", version=1) -> dict:
    yes_no = [
        {"code": "yes", "text": {"en": "Yes", "ja": "はい"}, "risk": "none"},
        {"code": "no", "text": {"en": "No", "ja": "いいえ"}, "risk": "high"},
    ]
    return {
        "format": 1,
        "code": code,
        "version": version,
        "languages": ["en", "ja", "vi"],
        "draft_languages": ["vi"],
        "title": {"en": "Basics", "ja": "基本", "vi": "Cơ bản"},
        "topics": {"general": {"en": "General", "ja": "一般"}},
        "sections": [
            {
                "code": "main",
                "title": {"en": "Main", "ja": "主要"},
                "questions": [
                    {
                        "code": "q01_policy",
                        "type": "yes_no",
                        "required": True,
                        "topic": "general",
                        "text": {"en": "Do you have a policy?", "ja": "方針はありますか？"},
                        "options": copy.deepcopy(yes_no),  # YAML without aliases
                    },
                    {
                        "code": "q02_published",
                        "type": "yes_no",
                        "topic": "general",
                        "show_if": {"question": "q01_policy", "equals": "yes"},
                        "text": {"en": "Is it published?", "ja": "公開していますか？"},
                        "options": copy.deepcopy(yes_no),  # YAML without aliases
                    },
                ],
            }
        ],
    }
