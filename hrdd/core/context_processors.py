from django.conf import settings
from django.utils.functional import SimpleLazyObject


def platform(request) -> dict:
    from hrdd.core.access import is_operator

    return {
        "platform_name": settings.PLATFORM_NAME,
        # Lazy: only pages that show the navigation pay for the query.
        "nav_is_operator": SimpleLazyObject(lambda: is_operator(request.user)),
    }
