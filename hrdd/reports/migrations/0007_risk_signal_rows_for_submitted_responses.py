"""Existing submitted responses get their risk-signal rows (one Answer row per topic on which
their answers signal a risk, as a submission now writes them), and every tally is counted
again so that releases, now measured with noise batch by batch, start from complete counts."""

from collections import defaultdict

from django.db import migrations

from hrdd.questionnaires.definition import parse_definition

PREFIX, OPTION = "_risk.", "any"


def add_risk_rows(apps, schema_editor):
    Answer = apps.get_model("responses", "Answer")
    Response = apps.get_model("responses", "Response")
    Campaign = apps.get_model("campaigns", "Campaign")
    parsed = {}
    for campaign in Campaign.objects.select_related("questionnaire_version").iterator():
        version = campaign.questionnaire_version
        if version.pk not in parsed:
            parsed[version.pk] = parse_definition(version.definition, source=f"v{version.pk}")
        definition = parsed[version.pk]
        submitted = Response.objects.filter(campaign=campaign, status="submitted")
        rows = defaultdict(list)
        for response_id, question, option in (
            Answer.objects.filter(response__in=submitted)
            .exclude(question_code__startswith=PREFIX)
            .values_list("response_id", "question_code", "option_code")
            .iterator(chunk_size=5000)
        ):
            rows[response_id].append((question, option))
        dimensions = dict(
            (pk, (country, industry, size))
            for pk, country, industry, size in submitted.values_list(
                "pk", "supplier_country", "supplier_industry", "supplier_size"
            )
        )
        new = []
        for response_id, answers in rows.items():
            country, industry, size = dimensions[response_id]
            for topic in sorted(definition.signalled_topics(answers)):
                new.append(
                    Answer(
                        response_id=response_id,
                        campaign_id=campaign.pk,
                        question_code=PREFIX + topic,
                        option_code=OPTION,
                        supplier_country=country,
                        supplier_industry=industry,
                        supplier_size=size,
                    )
                )
        Answer.objects.bulk_create(new, batch_size=5000)
    # Count every campaign again on the next refresh.
    apps.get_model("reports", "TallyCell").objects.all().delete()
    apps.get_model("reports", "TallyGroup").objects.all().delete()
    apps.get_model("reports", "Tally").objects.all().update(responses=0)
    Response.objects.exclude(tally_run=None).update(tally_run=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_privacy_budget_and_released_counts"),
        ("responses", "0007_tally"),
        ("campaigns", "0003_campaign_breakdowns_campaign_launched_at_and_more"),
    ]

    operations = [migrations.RunPython(add_risk_rows, migrations.RunPython.noop)]
