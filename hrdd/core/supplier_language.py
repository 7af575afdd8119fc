"""Pages a supplier opens from a personal link (its invitation, its corrective action plan,
a request to name its suppliers) speak the supplier's language on the first visit, and
remember it as if the supplier had chosen it; a language the supplier picked on the site
(the language cookie) always wins."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation


def supplier_language_activate(request, language: str, *, offered=None) -> str | None:
    """Activate `language` for this request, unless the supplier already chose one or it is
    not `offered` (default: the site's languages). Returns the language to remember with
    supplier_language_remember, or None."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return None
    if language not in (offered if offered is not None else dict(settings.LANGUAGES)):
        return None
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def supplier_language_remember(page: HttpResponse, chosen: str | None) -> HttpResponse:
    """Set the language cookie on `page` for the language activated above, if any."""
    if chosen:
        page.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
    return page
