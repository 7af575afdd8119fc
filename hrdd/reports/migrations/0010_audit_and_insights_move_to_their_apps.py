"""The audit log moves to the detailed app and published insights to the insights app (their
0001). Only Django's record of the models changes; the tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0009_tally_cells_room_for_hot_updates'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.RemoveField(
            model_name='insightpublication',
            name='published_by',
        ),
        migrations.RemoveField(
            model_name='insightpublication',
            name='questionnaire',
        ),
        migrations.DeleteModel(
            name='AuditEntry',
        ),
        migrations.DeleteModel(
            name='InsightPublication',
        ),
                ],
        ),
    ]
