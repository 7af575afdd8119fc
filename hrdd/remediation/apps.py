from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediationConfig(AppConfig):
    name = "hrdd.remediation"
    verbose_name = _("Findings and corrective action plans")
