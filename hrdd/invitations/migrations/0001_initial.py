"""The invitations app takes over the models of invitations, their tokens and reminder rounds
from the suppliers app (its 0003). The tables keep their names (Meta.db_table), so nothing is
copied; the admin's content types and the task queue's waiting reminders follow the new names."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ("invitation", "invitationtoken", "reminderrun")
TASKS = ("hrdd.suppliers.tasks.", "hrdd.invitations.tasks.")


def _rename(apps, old_label, new_label, old_path, new_path):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=old_label, model__in=MODELS).update(app_label=new_label)
    task_result = apps.get_model("django_tasks_database", "DBTaskResult")
    for result in task_result.objects.filter(task_path__startswith=old_path, finished_at=None):
        result.task_path = new_path + result.task_path[len(old_path) :]
        result.save(update_fields=["task_path"])


def follow_new_names(apps, schema_editor):
    _rename(apps, "suppliers", "invitations", *TASKS)


def follow_old_names(apps, schema_editor):
    _rename(apps, "invitations", "suppliers", *reversed(TASKS))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("campaigns", "0003_campaign_breakdowns_campaign_launched_at_and_more"),
        ("notifications", "0003_outboundemail_erase_recipient"),
        ("responses", "0008_untallied_index_by_id_and_pending_index"),
        ("suppliers", "0003_invitations_move_to_their_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        ("send_count", models.PositiveSmallIntegerField(default=0)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("superseded_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "campaign",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="campaigns.campaign",
                            ),
                        ),
                        (
                            "last_email",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="notifications.outboundemail",
                            ),
                        ),
                        (
                            "response",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="invitation",
                                to="responses.response",
                            ),
                        ),
                        (
                            "supplier",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="suppliers.supplier",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "invitation",
                        "verbose_name_plural": "invitations",
                        "db_table": "suppliers_invitation",
                    },
                ),
                migrations.CreateModel(
                    name="InvitationToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("token_hash", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "invitation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tokens",
                                to="invitations.invitation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "suppliers_invitationtoken",
                    },
                ),
                migrations.CreateModel(
                    name="ReminderRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=40)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_count", models.PositiveIntegerField(default=0)),
                        (
                            "campaign",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminder_runs",
                                to="campaigns.campaign",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "suppliers_reminderrun",
                    },
                ),
                migrations.AddConstraint(
                    model_name="invitation",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("superseded_at", None)),
                        fields=("campaign", "supplier"),
                        name="invitation_unique_current",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reminderrun",
                    constraint=models.UniqueConstraint(
                        fields=("campaign", "key"), name="reminder_run_unique_key"
                    ),
                ),
            ],
        ),
        migrations.RunPython(follow_new_names, follow_old_names),
    ]
