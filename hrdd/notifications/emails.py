from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render the template trio emails/<template>.subject.txt/.txt/.html in `language`.

    Values of keys ending in "_at" may be ISO date-times (as queued by bulk mail): they are
    turned back into date-times so templates format them in the recipient's language.
    """
    context = {"site_url": settings.SITE_URL, "platform_name": settings.PLATFORM_NAME, **context}
    for key, value in context.items():
        if key.endswith("_at") and isinstance(value, str):
            context[key] = datetime.fromisoformat(value)
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html
