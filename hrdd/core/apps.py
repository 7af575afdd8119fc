from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hrdd.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Django knows every language we offer except Tagalog; teach it the name.
        from django.conf.locale import LANG_INFO

        LANG_INFO.setdefault(
            "tl", {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"}
        )
