from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "hrdd.responses"
    label = "responses"
