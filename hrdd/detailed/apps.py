from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DetailedConfig(AppConfig):
    name = "hrdd.detailed"
    verbose_name = _("Detailed Report")
