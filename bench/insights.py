"""Benchmark: operator insights across buyers (hrdd.insights.selectors.insights).

    .venv/bin/python bench/insights.py --responses 1000000 --buyers 200

On a fresh PostgreSQL database: `--buyers` buyer organisations, each with one campaign on the
crisis-impact questionnaire, sharing `--responses` generated responses; then the insights for
the questionnaire, overall and for one buyer industry, median of 3 after a warm-up, with the
bare GROUP BY over the same answers as the baseline. Target (issue "Reports and disclosure
control"): under 5 s at 1,000,000 responses across 200 buyers, on PostgreSQL.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "RESULT "
DATABASE = "hrdd_bench_insights"


def worker(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hrdd.insights.selectors import insights
    from hrdd.organisations.models import Industry, Organisation
    from hrdd.questionnaires.models import Questionnaire
    from hrdd.responses.management.commands.generate_responses import (
        create_benchmark_campaign,
    )

    call_command("migrate", verbosity=0)
    industries = [choice for choice, _label in Industry.choices]
    each = args.responses // args.buyers
    started = time.perf_counter()
    for i in range(args.buyers):
        campaign = create_benchmark_campaign(name=f"Buyer {i}")
        Organisation.objects.filter(pk=campaign.organisation_id).update(
            industry=industries[i % len(industries)]
        )
        call_command("generate_responses", campaign=campaign.pk, count=each, seed=i, verbosity=0)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    questionnaire = Questionnaire.objects.get(code="crisis-impact")

    def timed(fn) -> dict:
        fn()  # warm-up
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t)
        return {"median_s": statistics.median(runs), "runs_s": runs}

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT campaign_id, question_code, option_code, COUNT(*) FROM responses_answer "
                "GROUP BY 1, 2, 3"
            )
            cursor.fetchall()

    overall = insights(questionnaire=questionnaire)
    return {
        "generate_s": generated,
        "responses": overall["response_count"],
        "buyers": overall["buyer_count"],
        "baseline": timed(baseline),
        "overall": timed(lambda: insights(questionnaire=questionnaire)),
        "industry": timed(lambda: insights(questionnaire=questionnaire, industry="apparel")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(PREFIX + json.dumps(worker(args)), flush=True)
        return
    import psycopg

    with psycopg.connect(args.postgres_url + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"{args.postgres_url}/{DATABASE}",
    )
    env.setdefault("DEBUG", "1")  # development settings: no SECRET_KEY needed
    command = [sys.executable, __file__, "--worker", "--responses", str(args.responses)]
    command += ["--buyers", str(args.buyers)]
    try:
        out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        line = next(x for x in out.stdout.splitlines() if x.startswith(PREFIX))
        r = json.loads(line[len(PREFIX) :])
    finally:
        with psycopg.connect(args.postgres_url + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    print(f"Operator insights, PostgreSQL, {r['responses']:,} responses, {r['buyers']} buyers")
    print(f"  data generated in {r['generate_s']:.0f} s")
    base = r["baseline"]["median_s"]
    print(f"  baseline: bare GROUP BY over all answers   {base:8.2f} s")
    for name in ("overall", "industry"):
        value = r[name]["median_s"]
        verdict = "OK" if value < 5 else "MISSED"
        print(
            f"  insights {name:<33} {value:8.2f} s  ({value / base:.2f}x)  target < 5 s {verdict}"
        )


if __name__ == "__main__":
    main()
