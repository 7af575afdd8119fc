"""Invitations, their tokens and reminder rounds move to the invitations app (its 0001).

Only Django's record of the models changes; the tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0002_invitation_bound_to_address_and_supplier_changes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="invitationtoken",
                    name="invitation",
                ),
                migrations.RemoveField(
                    model_name="reminderrun",
                    name="campaign",
                ),
                migrations.RemoveField(
                    model_name="reminderrun",
                    name="requested_by",
                ),
                migrations.DeleteModel(
                    name="Invitation",
                ),
                migrations.DeleteModel(
                    name="InvitationToken",
                ),
                migrations.DeleteModel(
                    name="ReminderRun",
                ),
            ],
        ),
    ]
