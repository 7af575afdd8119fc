"""Add the "answered" marker row (option_code "") for every submitted multiple-choice
answer, which reports now count instead of COUNT(DISTINCT response) (see _answer_rows)."""

from django.db import migrations


def add_markers(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Answer = apps.get_model("responses", "Answer")
    for campaign in Campaign.objects.select_related("questionnaire_version"):
        definition = campaign.questionnaire_version.definition
        multiple = [
            q["code"]
            for section in definition["sections"]
            for q in section["questions"]
            if q["type"] == "multiple_choice"
        ]
        answered = (
            Answer.objects.filter(campaign=campaign, question_code__in=multiple)
            .exclude(option_code="")
            .values_list("response_id", "question_code")
            .distinct()
        )
        existing = set(
            Answer.objects.filter(
                campaign=campaign, question_code__in=multiple, option_code=""
            ).values_list("response_id", "question_code")
        )
        Answer.objects.bulk_create(
            [
                Answer(response_id=r, campaign=campaign, question_code=q, option_code="")
                for r, q in answered
                if (r, q) not in existing
            ],
            batch_size=5000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0003_response_disclosure"),
        ("campaigns", "0002_campaign_mode"),
    ]

    operations = [migrations.RunPython(add_markers, migrations.RunPython.noop)]
