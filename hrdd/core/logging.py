"""Secrets never reach the logs: links and codes in log lines are replaced by [redacted].

A supplier's resume code, a personal-link, opt-out, naming-link or CAP-link token and a
password-reset token all travel in URL paths, and Django logs paths (a 404 or 429 warning,
a 500 report, the development server's request lines). Whoever can read the logs must not
be able to open a supplier's answers with them. The filter sits on every handler
(settings.LOGGING), so a line is redacted whichever logger wrote it, and tracebacks are
redacted too.
"""

import logging
import re

REDACTED = "[redacted]"

# What follows each of these URL parts is a secret (hrdd/*/urls.py).
_PATTERNS = [
    re.compile(r"(/r/[^/\s]+/a/)[^/?#\s\"']+"),  # resume code or personal-link token
    re.compile(r"(/[ionc]/)[^/?#\s\"']+"),  # personal, opt-out, naming and CAP links
    re.compile(r"(/password/set/[^/\s]+/)[^/?#\s\"']+"),  # password reset token
    # A resume code on its own (hrdd.core.tokens.format_code), e.g. in an error message.
    re.compile(r"()\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3,}\b"),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\1{REDACTED}", text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrite the record's message (and traceback) with every secret replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
