"""Copy each response's supplier country, industry and size onto its answers, with a
covering index, so that report breakdowns are one GROUP BY of answers (no join to responses),
and index responses by the same fields, so that group sizes are counted from the index alone.

Existing answers are filled from their responses by one UPDATE with correlated subqueries
(SQLite and PostgreSQL alike), only where the response has any of the three fields; the index
is built afterwards. Reversing drops the columns and the index, nothing to undo for the copy.
"""

from django.db import migrations, models

BACKFILL = """
UPDATE responses_answer SET
    supplier_country = (
        SELECT r.supplier_country FROM responses_response r
        WHERE r.id = responses_answer.response_id
    ),
    supplier_industry = (
        SELECT r.supplier_industry FROM responses_response r
        WHERE r.id = responses_answer.response_id
    ),
    supplier_size = (
        SELECT r.supplier_size FROM responses_response r
        WHERE r.id = responses_answer.response_id
    )
WHERE response_id IN (
    SELECT id FROM responses_response
    WHERE supplier_country <> '' OR supplier_industry <> '' OR supplier_size <> ''
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_campaign_breakdowns_campaign_launched_at_and_more"),
        ("responses", "0005_response_supplier_industry_response_supplier_size"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="supplier_country",
            field=models.CharField(blank=True, max_length=2),
        ),
        migrations.AddField(
            model_name="answer",
            name="supplier_industry",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name="answer",
            name="supplier_size",
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=[
                    "campaign",
                    "question_code",
                    "option_code",
                    "supplier_country",
                    "supplier_industry",
                    "supplier_size",
                ],
                name="answer_breakdown_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                fields=[
                    "campaign",
                    "status",
                    "supplier_country",
                    "supplier_industry",
                    "supplier_size",
                ],
                name="response_dimensions_idx",
            ),
        ),
    ]
