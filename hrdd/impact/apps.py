from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "hrdd.impact"
    verbose_name = _("Human-rights impact assessments")
