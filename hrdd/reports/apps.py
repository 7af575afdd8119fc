from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hrdd.reports"
    label = "reports"
