"""Language names instead of codes on pages: "Japanese, Vietnamese" (日本語、ベトナム語 in
Japanese), never "ja, vi"."""

from django import template
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """The name of a language code in the page's language; the code itself when neither the
    product nor Django knows it (a questionnaire may come in any language)."""
    offered = dict(settings.LANGUAGES)
    if code in offered:
        return str(offered[code])
    info = LANG_INFO.get(code) or LANG_INFO.get(str(code).split("-")[0])
    if info and "name" in info:
        return gettext(info["name"])
    return str(code)


@register.filter
def language_names(codes) -> str:
    """Several language names, in the given order, separated as the language separates them."""
    # Translators: the separator between items of a list, such as language names.
    return gettext(", ").join(language_name(code) for code in codes)
