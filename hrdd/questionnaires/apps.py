from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_builtin(sender, **kwargs) -> None:
    from hrdd.questionnaires.services import questionnaire_sync_builtin

    questionnaire_sync_builtin()


class QuestionnairesConfig(AppConfig):
    name = "hrdd.questionnaires"
    label = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        # Built-in questionnaires are files in the code base; every migrate (and every test
        # database) publishes the ones that are missing.
        post_migrate.connect(_sync_builtin, sender=self)
