"""The detailed app takes over auditentry from the reports app (its 0010). The table keeps its
name (Meta.db_table), so nothing is copied; the admin's content type follows the new name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ('auditentry',)


def follow_new_name(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="reports", model__in=MODELS).update(app_label="detailed")


def follow_old_name(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="detailed", model__in=MODELS).update(app_label="reports")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0010_audit_and_insights_move_to_their_apps"),
        ('campaigns', '0003_campaign_breakdowns_campaign_launched_at_and_more'),
        ('responses', '0008_untallied_index_by_id_and_pending_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('supplier_list', 'Viewed the supplier table'), ('supplier_answers', "Viewed one supplier's answers"), ('export_csv', 'Exported all answers (CSV)'), ('export_xlsx', 'Exported all answers (XLSX)'), ('export_pdf', "Exported one supplier's answers (PDF)"), ('supplier_status', 'Viewed who has answered (personal links)')], max_length=30)),
                ('supplier_name', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='campaigns.campaign')),
                ('response', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='responses.response')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'db_table': 'reports_auditentry',
                'ordering': ['-created_at', '-pk'],
            },
        ),
                ],
        ),
            migrations.RunPython(follow_new_name, follow_old_name),
    ]
