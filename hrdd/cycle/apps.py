from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "hrdd.cycle"
    verbose_name = _("Due-diligence cycle")
