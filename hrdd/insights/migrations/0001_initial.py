"""The insights app takes over insightpublication from the reports app (its 0010). The table keeps its
name (Meta.db_table), so nothing is copied; the admin's content type follows the new name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ('insightpublication',)


def follow_new_name(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="reports", model__in=MODELS).update(app_label="insights")


def follow_old_name(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="insights", model__in=MODELS).update(app_label="reports")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0010_audit_and_insights_move_to_their_apps"),
        ('questionnaires', '0003_questionnaire_min_responses'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='InsightPublication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(unique=True)),
                ('industry', models.CharField(blank=True, max_length=30)),
                ('title', models.CharField(max_length=200)),
                ('content', models.JSONField()),
                ('published_at', models.DateTimeField(auto_now_add=True)),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                ('published_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('questionnaire', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='questionnaires.questionnaire')),
            ],
            options={
                'verbose_name': 'published insight',
                'verbose_name_plural': 'published insights',
                'db_table': 'reports_insightpublication',
                'ordering': ['-published_at'],
            },
        ),
                ],
        ),
            migrations.RunPython(follow_new_name, follow_old_name),
    ]
