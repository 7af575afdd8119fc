from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hrdd.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from hrdd.accounts.middleware import prepare_session

        user_logged_in.connect(prepare_session, dispatch_uid="accounts_prepare_session")
