from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hrdd.notifications"
    label = "notifications"
