from django.conf import settings
from django.utils.functional import SimpleLazyObject


def platform(request) -> dict:
    from hrdd.core.access import is_operator

    return {
        "platform_name": settings.PLATFORM_NAME,
        # Pages offer the complete interface languages; supplier pages override this with
        # the languages of their campaign.
        "switch_languages": settings.UI_LANGUAGES,
        # Lazy: only pages that show the navigation pay for the query.
        "nav_is_operator": SimpleLazyObject(lambda: is_operator(request.user)),
    }
