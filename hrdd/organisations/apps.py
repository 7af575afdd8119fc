from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "hrdd.organisations"
    label = "organisations"
