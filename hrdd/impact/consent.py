"""The informed-consent text read to an interviewee, in the interviewee's language.

The text is a translated string of the catalogue, so it exists in a language only once that
language's catalogue translates it: `consent_languages` offers no other, and the interview
never stores an English text under another language's name. What was read is stored with
the interview (the text itself, its version and its SHA-256), so a later change of wording
never changes what an interviewee agreed to (docs/impact.md, "Consent").
"""

import hashlib

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

# Change this when the wording below changes (the stored interviews keep their own text).
CONSENT_VERSION = "2026-12"

_TEXT = gettext_noop(
    "This interview is part of a human-rights impact assessment for %(buyer)s. We ask about "
    "working conditions so that problems can be found and put right. Taking part is "
    "voluntary: you may refuse, skip any question or stop at any time, and this will have no "
    "consequence for your work. We do not write down your name unless you agree to it. What "
    "you say may be quoted in the report without your name only if you agree to it. Your "
    "answers are kept confidential and notes about sensitive matters are stored encrypted."
)


def consent_languages() -> list[tuple[str, str]]:
    """(code, name) of the languages the consent text exists in (English, and each language
    whose catalogue translates it)."""
    available = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            if code == "en" or gettext(_TEXT) != _TEXT:
                available.append((code, name))
    return available


def consent_text(*, language: str, buyer: str) -> str:
    """The consent text in `language`, naming the buyer the assessment is for."""
    with translation.override(language):
        return gettext(_TEXT) % {"buyer": buyer}


def consent_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
