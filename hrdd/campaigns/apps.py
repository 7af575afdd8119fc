from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "hrdd.campaigns"
    label = "campaigns"
