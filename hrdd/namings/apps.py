from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamingsConfig(AppConfig):
    name = "hrdd.namings"
    verbose_name = _("Suppliers named by suppliers")
