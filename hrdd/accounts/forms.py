from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm

from hrdd.notifications.services import email_queue


class PasswordResetForm(BasePasswordResetForm):
    """Django's reset form, but the e-mail goes through the outbox and a task like every
    other message, rendered in the user's own language."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        email_queue(
            to=to_email,
            template="password_reset",
            context={"user": user, "uid": context["uid"], "token": context["token"]},
            language=user.language,
            contains_secret=True,
        )
