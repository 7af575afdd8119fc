#!/usr/bin/env python
"""Benchmark the Summary Report against the bare GROUP BY it is built from.

    .venv/bin/python bench/report.py --responses 100000 [--database sqlite|postgres|both]

For each database, in a fresh database (an SQLite file in a temporary folder; the PostgreSQL
database `hrdd_bench`, dropped and created again), in its own Python process so that the
settings stay clean: migrate, generate N responses (plus a second campaign of --small
responses) with `manage.py generate_responses`, analyse, then measure (median of --runs
runs after one warm-up run):

(a) baseline: one bare `SELECT question_code, option_code, COUNT(*) ... GROUP BY 1, 2` over
    the campaign's answers, through the covering index answer_count_idx (plan printed);
(b) building a Summary Report release: report_release_if_due (the releases are deleted
    between runs so that each run makes one), then each of its SELECTs on its own;
(c) serving the already-released report page: a logged-in GET of reports:summary through
    Django's test client.

Then, at N responses: (b) and (c) again with the campaign broken down by supplier country,
industry and size (--breakdowns; the generated responses and their answers carry those
fields), beside a second baseline, the bare GROUP BY of answers by question, option and those
fields that breakdowns need (and, once, the join of answers to responses they needed before);
(b) again with earlier releases in the campaign (--history, and the
most the batch rule allows), because the release process reads them all; and
"what if" variants of the counting (not the app's code: the selector is replaced in the
benchmark process only, and each variant must produce the very same release).

Targets: (b) at most 1.5 x (a) on the same data in the same run; (c) under 100 ms whatever
the number of responses. See bench/README.md.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
BENCH_DATABASE = "hrdd_bench"
RESULT_PREFIX = "BENCH-RESULT "
TARGET_RATIO = 1.5
TARGET_PAGE_MS = 100.0

BASELINE_SQL = (
    "SELECT question_code, option_code, COUNT(*) FROM responses_answer "
    "WHERE campaign_id = %s GROUP BY 1, 2"
)


# --------------------------------------------------------------------------------------------
# Worker: one database, in its own process (Django is set up here only).
# --------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(fn, runs: int, setup=None) -> dict:
    """Median (and range) in ms of `runs` calls of fn, after one warm-up call."""
    if setup:
        setup()
    fn()
    times = []
    for _ in range(runs):
        if setup:
            setup()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def recreate_postgres_database(base_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def drop_postgres_database(base_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def worker(args) -> dict:
    if args.worker == "postgres":
        recreate_postgres_database(args.postgres_url)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    result: dict = {"database": args.worker, "vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        result["version"] = cursor.fetchone()[0].split()[0]
    result["location"] = (
        str(connection.settings_dict["NAME"])
        if connection.vendor == "sqlite"
        else f"database {BENCH_DATABASE}"
    )
    log(f"{args.worker} {result['version']}: migrate")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    result["migrate_s"] = time.perf_counter() - started

    campaigns = []
    for count, seed in ((args.responses, 2026), (args.small, 7)):
        if not count:
            continue
        log(f"generate_responses --create-campaign --count {count}")
        started = time.perf_counter()
        out = _call(
            call_command,
            "generate_responses",
            create_campaign=True,
            count=count,
            seed=seed,
            supplier_fields=True,
        )
        elapsed = time.perf_counter() - started
        cid = int(out.split()[0])
        log(out.splitlines()[-1])
        # (t) The first count of all the responses (reports.tally), as the first refresh of a
        # campaign that received them before this version does: once per campaign.
        from hrdd.reports.tally import tally_update

        log("count them all for the report (the tally, from scratch)")
        started = time.perf_counter()
        tally_update(campaign_id=cid)
        counted = time.perf_counter() - started
        campaigns.append(
            {"id": cid, "responses": count, "generate_s": elapsed, "t": {"median": counted * 1000}}
        )

    log("analyse the tables (ANALYZE; VACUUM ANALYZE on PostgreSQL, as autovacuum would)")
    # After the first count, which rewrote every response row (tally_run): on PostgreSQL
    # the dead row versions and index entries it left are what autovacuum removes next.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")

    result["sizes"] = [measure_campaign(c, args.runs) for c in campaigns]
    if args.breakdowns and campaigns:
        result["breakdowns"] = measure_breakdowns(
            campaigns[0]["id"], args.runs, args.breakdown_history
        )
    if args.history and campaigns:
        result["history"] = measure_history(campaigns[0]["id"], args.runs, args.history)
    result["load_average"] = os.getloadavg()
    return result


def _call(call_command, name: str, **options) -> str:
    from io import StringIO

    out = StringIO()
    call_command(name, stdout=out, **options)
    return out.getvalue()


def explain(sql: str, params=None) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def run_sql(sql: str, params=None) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def baseline(cid: int):
    return lambda: run_sql(BASELINE_SQL, [cid])


def new_batch(cid: int, count: int | None = None) -> int:
    """Set up one run of (b): the campaign's latest `count` responses taken out of the
    report's counts again, as if they had been submitted since the worker last counted; the
    release then counts them, by response, before it reads the counts (reports.tally).

    By default as many as the worker's previous run leaves when suppliers keep submitting:
    k (the campaign's minimum). A refresh runs after every submission unless one is already
    waiting, so each run counts the few responses submitted while the previous one ran.
    Returns their number."""
    from django.db import connection, transaction
    from django.db.models import F

    from hrdd.campaigns.models import Campaign
    from hrdd.reports import tally
    from hrdd.reports.models import Tally, TallyCell, TallyGroup
    from hrdd.responses.models import Answer, Response

    with transaction.atomic():
        tally.tally_update(campaign_id=cid)
        k = Campaign.objects.get(pk=cid).min_responses
        ids = list(
            Response.objects.filter(campaign_id=cid, status=Response.Status.SUBMITTED)
            .order_by("-pk")
            .values_list("pk", flat=True)[: count or k]
        )
        for model, rows, columns in (
            (TallyCell, Answer.objects.filter(response_id__in=ids), tally._CELL_FIELDS),
            (TallyGroup, Response.objects.filter(pk__in=ids), tally.DIMENSION_COLUMNS),
        ):
            found = list(tally._group(rows, columns).items())
            table = model._meta.db_table
            row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
            match = " AND ".join(f"{c} = v.column{i}" for i, c in enumerate(columns, 1))
            with connection.cursor() as cursor:
                for start in range(0, len(found), 1000):
                    batch = found[start : start + 1000]
                    cursor.execute(
                        f"UPDATE {table} SET n = {table}.n - v.column{len(columns) + 1} "
                        f"FROM (VALUES {', '.join([row] * len(batch))}) AS v "
                        f"WHERE {table}.campaign_id = %s AND {match}",
                        [value for key, n in batch for value in (*key, n)] + [cid],
                    )
            model.objects.filter(campaign_id=cid, n=0).delete()
        Response.objects.filter(pk__in=ids).update(tally_run=None)
        Tally.objects.filter(campaign_id=cid).update(responses=F("responses") - len(ids))
    return len(ids)


def measure_campaign(info: dict, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hrdd.campaigns.models import Campaign
    from hrdd.reports import policy
    from hrdd.reports.models import ReportRelease
    from hrdd.reports.selectors import campaign_raw_counts
    from hrdd.reports.services import report_release_if_due
    from hrdd.responses.models import Answer

    cid = info["id"]
    size = dict(info)
    size["answers"] = Answer.objects.filter(campaign_id=cid).count()
    log(f"measure {info['responses']:,} responses ({size['answers']:,} answers)")

    # (a) The bare GROUP BY over the covering index.
    size["a"] = timed(baseline(cid), runs)
    size["a_sql"] = BASELINE_SQL % cid
    size["a_plan"] = explain(BASELINE_SQL, [cid])

    # (b) Building a release, from scratch each time, with a batch of new responses that
    # the worker has not counted yet.
    def clear():
        ReportRelease.objects.filter(campaign_id=cid).delete()
        size["batch"] = new_batch(cid)

    made = []
    size["b"] = timed(lambda: made.append(report_release_if_due(campaign_id=cid)), runs, clear)
    if not all(made):
        raise SystemExit(f"report_release_if_due made no release for campaign {cid}")
    # The worst case: the worker counted none of the batch a release needs at this size
    # (5 % of the responses), e.g. it was stopped while they arrived.
    from hrdd.reports.services import batch_size

    whole = batch_size(Campaign.objects.get(pk=cid).min_responses, info["responses"])

    def clear_whole():
        ReportRelease.objects.filter(campaign_id=cid).delete()
        new_batch(cid, whole)

    size["whole_batch"] = whole
    size["b_whole"] = timed(lambda: report_release_if_due(campaign_id=cid), 1, clear_whole)
    # A refresh that counts k new responses and makes no release (the release exists).
    ReportRelease.objects.filter(campaign_id=cid).delete()
    report_release_if_due(campaign_id=cid)
    size["refresh"] = timed(
        lambda: report_release_if_due(campaign_id=cid), runs, lambda: new_batch(cid)
    )
    clear()
    with CaptureQueriesContext(connection) as captured:
        report_release_if_due(campaign_id=cid)
    size["b_queries"] = len(captured.captured_queries)
    # Each SELECT of (b) on its own (outside the release's transaction), with its plan.
    parts = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        parts.append({"sql": sql, "time": timed(lambda s=sql: run_sql(s), runs)})
    for part in parts:
        part["plan"] = explain(part["sql"])
    campaign = Campaign.objects.select_related("questionnaire_version").get(pk=cid)
    total, counts, answered = campaign_raw_counts(campaign=campaign)
    size["b_raw_counts"] = timed(lambda: campaign_raw_counts(campaign=campaign), runs)
    size["b_summarise"] = timed(
        lambda: policy.summarise(
            definition=campaign.questionnaire_version.parsed,
            total=total,
            counts=counts,
            answered=answered,
            rules=policy.Rules(min_responses=campaign.min_responses),
        ),
        runs,
    )
    size["b_parts"] = parts

    # (c) Serving the released page (one release exists: the one made just above).
    size["c"], size["c_queries"], size["c_bytes"] = measure_page(campaign, runs)
    return size


# (a') The bare query breakdowns need: answers carry their response's supplier fields, so it
# is one GROUP BY over the covering index answer_breakdown_idx, in the index's order.
BREAKDOWN_SQL = (
    "SELECT question_code, option_code, supplier_country, supplier_industry, supplier_size, "
    "COUNT(*) FROM responses_answer WHERE campaign_id = %s GROUP BY 1, 2, 3, 4, 5"
)
# What breakdowns needed before answers carried those fields (for comparison only).
JOIN_SQL = (
    "SELECT r.supplier_country, r.supplier_industry, r.supplier_size, a.question_code, "
    "a.option_code, COUNT(*) FROM responses_answer a "
    "JOIN responses_response r ON r.id = a.response_id "
    "WHERE r.campaign_id = %s AND r.status = 'submitted' GROUP BY 1, 2, 3, 4, 5"
)


def measure_breakdowns(cid: int, runs: int, history: int) -> dict:
    """(b) and (c) with the campaign broken down by supplier country, industry and size.

    The campaign is the same (the generated responses carry the three fields); its
    breakdowns are declared for the measurement and removed afterwards. (a') is the bare
    query breakdowns need: answers grouped by question, option and the three supplier
    fields they carry, on a raw cursor; beside it, once (it takes seconds), the join of
    answers to responses that breakdowns needed before. Then the release again with
    `history` earlier releases in the campaign: copies of this one with every count scaled
    down to their number of responses (see `scaled`).
    """
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from hrdd.campaigns.models import Campaign
    from hrdd.reports import policy
    from hrdd.reports.models import ReportRelease
    from hrdd.reports.selectors import (
        breakdown_query_settings,
        campaign_breakdown_counts,
        declared_dimensions,
    )
    from hrdd.reports.services import report_release_if_due
    from hrdd.reports.tally import tally_counts

    log("breakdowns by country, industry and size")
    Campaign.objects.filter(pk=cid).update(breakdowns=["country", "industry", "size"])
    campaign = Campaign.objects.select_related("questionnaire_version").get(pk=cid)

    def in_release_transaction(fn):
        # As in a release: one transaction, with breakdown_query_settings on PostgreSQL.
        def run():
            with transaction.atomic():
                breakdown_query_settings()
                return fn()

        return run

    # The plans as a release runs the queries (the settings change them on PostgreSQL).
    out: dict = {
        "a2_sql": BREAKDOWN_SQL % cid,
        "a2_plan": in_release_transaction(lambda: explain(BREAKDOWN_SQL, [cid]))(),
        "join_sql": JOIN_SQL % cid,
        "join_plan": in_release_transaction(lambda: explain(JOIN_SQL, [cid]))(),
    }
    out["a"] = timed(baseline(cid), runs)
    out["a2"] = timed(lambda: run_sql(BREAKDOWN_SQL, [cid]), runs)
    out["a3"] = timed(in_release_transaction(lambda: run_sql(BREAKDOWN_SQL, [cid])), runs)
    out["join"] = timed(in_release_transaction(lambda: run_sql(JOIN_SQL, [cid])), 1)

    def clear():
        ReportRelease.objects.filter(campaign_id=cid).delete()
        new_batch(cid)

    # A campaign broken down by supplier country alone groups by three columns, not five.
    Campaign.objects.filter(pk=cid).update(breakdowns=["country"])
    out["b_country"] = timed(lambda: report_release_if_due(campaign_id=cid), runs, clear)
    Campaign.objects.filter(pk=cid).update(breakdowns=["country", "industry", "size"])
    out["b"] = timed(lambda: report_release_if_due(campaign_id=cid), runs, clear)
    clear()
    with CaptureQueriesContext(connection) as captured:
        report_release_if_due(campaign_id=cid)
    # The counting SELECTs of the release on their own, with their plans.
    out["b_parts"] = [
        {
            "sql": q["sql"],
            "time": timed(in_release_transaction(lambda s=q["sql"]: run_sql(s)), runs),
            "plan": in_release_transaction(lambda s=q["sql"]: explain(s))(),
        }
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "responses_" in q["sql"]
    ]
    dims = declared_dimensions(campaign=campaign)
    out["b_counts"] = timed(
        lambda: tally_counts(campaign_id=cid, dimensions=dims),
        runs,
    )
    # The same counts grouped from the answers, as releases did before the tally.
    out["b_answers"] = timed(
        in_release_transaction(
            lambda: campaign_breakdown_counts(campaign=campaign, dimensions=dims)
        ),
        runs,
    )
    total, counts, answered, groups = campaign_breakdown_counts(campaign=campaign, dimensions=dims)
    definition = campaign.questionnaire_version.parsed
    rules = policy.Rules(min_responses=campaign.min_responses)

    def policy_only():
        overall = policy.summarise(
            definition=definition, total=total, counts=counts, answered=answered, rules=rules
        )
        return [
            policy.summarise_breakdown(
                definition=definition, overall=overall, dimension=d, groups=groups[d], rules=rules
            )
            for d in dims
        ]

    out["b_policy"] = timed(policy_only, runs)
    clear()
    release = report_release_if_due(campaign_id=cid)
    content = release.content
    out["groups"] = {b["dimension"]: len(b["groups"]) for b in content.get("breakdowns", [])}
    out["content_bytes"] = len(json.dumps(content))
    out["c"], out["c_queries"], out["c_bytes"] = measure_page(campaign, runs, "breakdowns")
    if history:
        log(f"breakdowns: (b) with {history:,} earlier releases")
        clear()
        from hrdd.reports.services import batch_size

        total_responses, k = release.response_count, campaign.min_responses
        last = total_responses - k  # the last earlier release still leaves a batch due
        while total_responses - last < batch_size(k, last):
            last -= 1
        # No more earlier releases than the batch rule allows before `last` responses.
        most, released = 1, k
        while released + batch_size(k, released) <= last:
            released += batch_size(k, released)
            most += 1
        history = min(history, most)
        ReportRelease.objects.bulk_create(
            [
                ReportRelease(
                    campaign_id=cid,
                    number=number,
                    response_count=(n := k + (number - 1) * (last - k) // max(history - 1, 1)),
                    reason=ReportRelease.Reason.BATCH,
                    content=scaled(content, n / total_responses),
                )
                for number in range(1, history + 1)
            ],
            batch_size=200,
        )
        out["history"] = history
        made = []
        out["b_history"] = timed(
            lambda: made.append(report_release_if_due(campaign_id=cid)),
            2,
            lambda: (
                ReportRelease.objects.filter(campaign_id=cid, number__gt=history).delete(),
                new_batch(cid),
            ),
        )
        if not all(made):
            raise SystemExit("breakdowns: no release was made after the earlier ones")
    # Leave the campaign as it was: no breakdowns, one release.
    Campaign.objects.filter(pk=cid).update(breakdowns=[])
    clear()
    report_release_if_due(campaign_id=cid)
    return out


def scaled(content, share: float):
    """A copy of released content as an earlier release with `share` of the responses might
    have been: every count and group size scaled down (rounded), the hidden figures the same.
    Breakdowns compare each figure with earlier releases, and stop going back once a group's
    newcomers are many enough: copies with the current counts would never let them stop."""
    if isinstance(content, dict):
        out = {key: scaled(value, share) for key, value in content.items()}
        for key in ("count", "response_count"):
            if isinstance(content.get(key), int):
                out[key] = round(content[key] * share)
        return out
    if isinstance(content, list):
        return [scaled(value, share) for value in content]
    return content


def print_breakdowns(result: dict, big: int) -> None:
    out = result.get("breakdowns")
    if not out:
        return
    a, a2 = out["a"]["median"], out["a3"]["median"]
    groups = ", ".join(f"{d} {n}" for d, n in out["groups"].items())
    print(f"\n  Breakdowns by country, industry and size at {big:,} responses (groups: {groups}):")
    print("  (a') bare GROUP BY of answers by their supplier fields: " + out["a2_sql"])
    print("  (plans and timings as in a release: in a transaction; on PostgreSQL work_mem 64MB,")
    print("  no JIT, parallel_tuple_cost 0.001: see breakdown_query_settings)")
    for line in out["a2_plan"]:
        print(f"        {line}")
    if "join_sql" in out:
        print("  before: answers joined to their responses: " + out["join_sql"])
        for line in out["join_plan"]:
            print(f"        {line}")
    rows = [
        ("(a) bare GROUP BY, covering index (same run)", out["a"]),
        ("(a') bare GROUP BY with the supplier fields, plain", out["a2"]),
        ("     the same as in a release (the ratio base)", out["a3"]),
    ]
    if "join" in out:
        rows.append(("     before: the join, as in a release (1 run)", out["join"]))
    rows += [
        ("(b) build a release with the three breakdowns", out["b"]),
        ("    of which reading the counts (tally_counts)", out["b_counts"]),
        ("    (the same counts grouped from the answers)", out["b_answers"]),
        ("    of which the policy (summarise + breakdowns)", out["b_policy"]),
        (f"(c) serve the released page ({out['c_queries']} q.)", out["c"]),
    ]
    if out.get("b_history"):
        rows.insert(-1, (f"(b) with {out['history']:,} earlier releases", out["b_history"]))
    if out.get("b_country"):
        rows.insert(-1, ("(b) with the breakdown by country alone", out["b_country"]))
    for label, figure in rows:
        target = ""
        if figure is out["b"] or figure is out.get("b_country"):
            ok = figure["median"] / a <= TARGET_RATIO
            target = f"   <= {TARGET_RATIO}x (a): {verdict(ok)}"
        print(
            f"    {label:<50} {ms(figure['median']):>10}   {figure['median'] / a:>6.2f}x (a)"
            f"   {figure['median'] / a2:>6.2f}x (a'){target}"
        )
    for number, part in enumerate(out.get("b_parts", []), 1):
        share = part["time"]["median"] / a
        print(
            f"    release SELECT {number}: {ms(part['time']['median'])} ({share:.2f}x (a))  "
            + short_sql(part["sql"], None)
        )
        for line in part["plan"]:
            if line.strip():
                print(f"        {line}")


def measure_page(campaign, runs: int, name: str = "") -> tuple[dict, int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from hrdd.accounts.models import User
    from hrdd.organisations.models import Membership

    user = User.objects.create_user(
        email=f"reader{campaign.pk}{name}@bench.example", password="bench-password-not-secret-1"
    )
    Membership.objects.create(
        organisation=campaign.organisation, user=user, role=Membership.Role.VIEWER
    )
    client = Client()
    client.force_login(user)
    url = reverse("reports:summary", args=[campaign.pk])

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code}")
        return response

    page = timed(get, runs)
    with CaptureQueriesContext(connection) as captured:
        content = get().content
    return page, len(captured.captured_queries), len(content)


def measure_history(cid: int, runs: int, some: int) -> dict:
    """(b) again, with earlier releases in the campaign, as a campaign that received its
    responses over weeks has them: the release process reads every earlier release.

    Releases are made whenever at least k new responses arrived, so a campaign with N
    responses has as many earlier releases as the batch rule allows
    (k new responses, and 5 % of those already released). They are copies of the current release
    (with their own response counts, spread from k to N - k): the work per earlier release is
    the same as with real ones, which the benchmark cannot afford to build one by one.
    """
    from hrdd.campaigns.models import Campaign
    from hrdd.reports.models import ReportRelease
    from hrdd.reports.services import report_release_if_due

    campaign = Campaign.objects.get(pk=cid)
    k = campaign.min_responses
    latest = ReportRelease.objects.filter(campaign_id=cid).order_by("-number").first()
    total, content = latest.response_count, latest.content
    from hrdd.reports.services import batch_size

    # The most releases the batch rule allows before `total` responses.
    worst, released = 0, 0
    while released + batch_size(k, released) <= total - k:
        released += batch_size(k, released)
        worst += 1
    worst = max(worst, 1)
    out: dict = {"k": k, "content_bytes": len(json.dumps(content)), "points": []}
    for count, count_runs in ((some, runs), (worst, 2)):
        if not count or count > worst or (count == some and some == worst and out["points"]):
            continue
        log(f"(b) with {count:,} earlier releases")
        ReportRelease.objects.filter(campaign_id=cid).delete()
        earlier = []
        # The last copy must leave a batch due (k new responses and 5 % of those released),
        # or the release measured is not made at all.
        last = total - k
        while total - last < batch_size(k, last):
            last -= 1
        for number in range(1, count + 1):
            responses = k + (number - 1) * (last - k) // max(count - 1, 1)
            earlier.append(
                ReportRelease(
                    campaign_id=cid,
                    number=number,
                    response_count=responses,
                    reason=ReportRelease.Reason.BATCH,
                    content={**content, "response_count": responses},
                )
            )
        ReportRelease.objects.bulk_create(earlier, batch_size=500)
        made = []
        figure = timed(
            lambda made=made: made.append(report_release_if_due(campaign_id=cid)),
            count_runs,
            lambda n=count: (
                ReportRelease.objects.filter(campaign_id=cid, number__gt=n).delete(),
                new_batch(cid),
            ),
        )
        figure["made"] = all(made)
        out["points"].append({"releases": count, "runs": count_runs, "time": figure})
    # Leave the campaign as it was: one release.
    ReportRelease.objects.filter(campaign_id=cid).delete()
    report_release_if_due(campaign_id=cid)
    return out


# --------------------------------------------------------------------------------------------
# What if: other ways to get the same counts, measured on the same data. Not the app's code:
# the app's selector is replaced in this process only, and every variant's release must be
# identical to the one the app made.
# --------------------------------------------------------------------------------------------


def machine_info(args) -> list[tuple[str, str]]:
    import sqlite3

    import django

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = [
        ("date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("machine", f"{os.cpu_count()} cores, {cpu}, {platform.platform()}"),
        ("python", platform.python_version()),
        ("django", django.get_version()),
        ("sqlite (python module)", sqlite3.sqlite_version),
    ]
    if args.database in ("postgres", "both"):
        try:
            import psycopg

            with psycopg.connect(f"{args.postgres_url}/postgres") as conn:
                version = conn.execute("SHOW server_version").fetchone()[0]
            info.append(("postgresql server", f"{version} (psycopg {psycopg.__version__})"))
        except Exception as error:  # noqa: BLE001 - reported, the run fails later
            info.append(("postgresql server", f"unreachable: {error}"))
    load = os.getloadavg()
    info.append(("load average (1/5/15 min)", " / ".join(f"{x:.2f}" for x in load)))
    return info


def run_worker(database: str, args, workdir: Path) -> dict:
    var_dir = workdir / database
    var_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        VAR_DIR=str(var_dir),
        DEBUG="0",
        # DEBUG=0 needs a strong key of its own (config/settings.py).
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        DATABASE_URL=(
            f"sqlite:///{var_dir / 'bench.sqlite3'}"
            if database == "sqlite"
            else f"{args.postgres_url}/{BENCH_DATABASE}"
        ),
    )
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        database,
        "--responses",
        str(args.responses),
        "--small",
        str(args.small),
        "--runs",
        str(args.runs),
        "--postgres-url",
        args.postgres_url,
        "--postgres-database",
        BENCH_DATABASE,
    ]
    command += ["--history", str(args.history)]
    command += ["--breakdown-history", str(args.breakdown_history)]
    if not args.breakdowns:
        command.append("--no-breakdowns")
    completed = subprocess.run(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if completed.returncode or not lines:
        sys.stdout.write(completed.stdout)
        raise SystemExit(f"{database}: the benchmark failed (exit {completed.returncode})")
    return json.loads(lines[-1][len(RESULT_PREFIX) :])


def ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 10_000 else f"{value / 1000:,.1f} s"


def short_sql(sql: str, width: int | None = 150) -> str:
    """One line; a long column list is shortened to its first column."""
    sql = " ".join(sql.split())
    head, sep, tail = sql.partition(" FROM ")
    if sep and len(head) > 60 and "COUNT" not in head:
        head = head.split(", ")[0] + ", ..."
    sql = head + sep + tail
    return sql if width is None or len(sql) <= width else sql[: width - 3] + "..."


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def print_database(result: dict, big: int) -> None:
    title = f"{result['database']} {result['version']}"
    print(f"\n=== {title} ({result['location']}) ===")
    for size in result["sizes"]:
        print(
            f"  {size['responses']:,} responses, {size['answers']:,} answer rows: generated in "
            f"{size['generate_s']:.1f} s"
        )
    print("\n  Baseline (a): " + result["sizes"][0]["a_sql"])
    print("  Plan:")
    for line in result["sizes"][0]["a_plan"]:
        print(f"    {line}")

    header = (
        f"\n  {'responses':>9}  {'measure':<40} {'median':>10} {'(min-max)':>19}  "
        f"{'baseline (a)':>12} {'ratio':>7}  target"
    )
    print(header)
    print("  " + "-" * (len(header) - 3))
    for size in result["sizes"]:
        a, b, c = size["a"]["median"], size["b"]["median"], size["c"]["median"]
        is_big = size["responses"] == big
        rows = [
            ("(a) bare GROUP BY, covering index", size["a"], "", ""),
            (
                f"(b) build a release ({size['b_queries']} queries)",
                size["b"],
                f"{b / a:.2f}x",
                f"<= {TARGET_RATIO}x: {verdict(b / a <= TARGET_RATIO)}" if is_big else "",
            ),
            (
                f"(c) serve the released page ({size['c_queries']} q.)",
                size["c"],
                f"{c / a:.2f}x",
                f"< {TARGET_PAGE_MS:.0f} ms: {verdict(c < TARGET_PAGE_MS)}",
            ),
        ]
        for label, figure, ratio, target in rows:
            spread = f"({ms(figure['min'])}-{ms(figure['max'])})"
            baseline = ms(a) if ratio else ""
            print(
                f"  {size['responses']:>9,}  {label:<40} {ms(figure['median']):>10} "
                f"{spread:>19}  {baseline:>12} {ratio:>7}  {target}"
            )

    for size in result["sizes"]:
        a = size["a"]["median"]
        print(f"\n  (b) at {size['responses']:,} responses, piece by piece (medians):")
        print(
            f"    each run of (b) first counts the {size['batch']:,} responses submitted since"
            " the worker's last run"
        )
        for label, figure in (
            (f"(b) if the worker had counted none of the last {size['whole_batch']:,}", "b_whole"),
            ("a refresh counting 5 new responses, no release", "refresh"),
            (f"counting all {size['responses']:,} from scratch (once)", "t"),
        ):
            value = size[figure]["median"]
            print(f"    {label:<58} {ms(value):>10} = {value / a:.2f}x (a)")
        raw_counts, summarise = size["b_raw_counts"]["median"], size["b_summarise"]["median"]
        print(f"    {'campaign_raw_counts (before the tally)':<40} {ms(raw_counts):>10}")
        print(f"    {'policy.summarise':<40} {ms(summarise):>10}")
        for number, part in enumerate(size["b_parts"], 1):
            sql = short_sql(part["sql"], None if "responses_" in part["sql"] else 150)
            share = part["time"]["median"] / a
            print(
                f"    SELECT {number}: {ms(part['time']['median']):>10}  ({share:.2f}x (a))  {sql}"
            )
            if "responses_" in part["sql"]:  # the plans that matter: the counting queries
                for line in part["plan"]:
                    if line.strip():
                        print(f"        {line}")


def print_history(result: dict, big: int) -> None:
    out = result.get("history")
    if not out:
        return
    a = result["sizes"][0]["a"]["median"]
    b = result["sizes"][0]["b"]["median"]
    print(
        f"\n  (b) at {big:,} responses with earlier releases in the campaign (k = {out['k']}: "
        f"up to {max(big // out['k'] - 1, 1):,};\n  copies of the current release, "
        f"{out['content_bytes']:,} bytes of JSON each):"
    )
    print(f"    {'earlier releases':>16} {'(b)':>10} {'runs':>5} {'baseline (a)':>13} {'ratio':>7}")
    print(f"    {0:>16,} {ms(b):>10} {'':>5} {ms(a):>13} {b / a:>6.2f}x  (table above)")
    for point in out["points"]:
        t = point["time"]["median"]
        made = "" if point["time"]["made"] else "  (no release made!)"
        print(
            f"    {point['releases']:>16,} {ms(t):>10} {point['runs']:>5} {ms(a):>13} "
            f"{t / a:>6.2f}x  {verdict(t / a <= TARGET_RATIO)}{made}"
        )


def print_summary(results: list[dict], big: int, small: int) -> None:
    print("\n=== Summary (medians; ratios against the baseline (a) of the same run) ===")
    header = (
        f"  {'database':<15} {'responses':>9} {'(a) GROUP BY':>13} {'(b) release':>12} "
        f"{'b/a':>7} {'(b) + history':>14} {'b/a':>7}  {'(c) page':>9} "
        f"{'(c) at ' + format(small, ','):>13}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for result in results:
        sizes = {s["responses"]: s for s in result["sizes"]}
        s = sizes[big]
        a, b, c = s["a"]["median"], s["b"]["median"], s["c"]["median"]
        points = (result.get("history") or {}).get("points") or []
        history = f"{ms(points[-1]['time']['median']):>14}" if points else f"{'-':>14}"
        history_ratio = f"{points[-1]['time']['median'] / a:>6.2f}x" if points else f"{'-':>7}"
        small_page = ms(sizes[small]["c"]["median"]) if small in sizes else "-"
        print(
            f"  {result['database'] + ' ' + result['version']:<15} {big:>9,} {ms(a):>13} "
            f"{ms(b):>12} {b / a:>6.2f}x {history} {history_ratio}  {ms(c):>9} {small_page:>13}"
        )
    if any((r.get("history") or {}).get("points") for r in results):
        print("  (b) + history: with the most earlier releases the batch rule allows.")
    pages = [s["c"]["median"] for r in results for s in r["sizes"]]
    ratios = [
        s["b"]["median"] / s["a"]["median"]
        for r in results
        for s in r["sizes"]
        if s["responses"] == big
    ]
    print(
        f"\n  Target (b) <= {TARGET_RATIO} x (a) at {big:,} responses: "
        f"{verdict(all(x <= TARGET_RATIO for x in ratios))} "
        f"(worst {max(ratios):.2f}x, without history)."
    )
    with_breakdowns = [
        r["breakdowns"]["b"]["median"] / r["breakdowns"]["a"]["median"]
        for r in results
        if r.get("breakdowns")
    ]
    if with_breakdowns:
        print(
            f"  Target (b) with the three breakdowns <= {TARGET_RATIO} x (a): "
            f"{verdict(all(x <= TARGET_RATIO for x in with_breakdowns))} "
            f"(worst {max(with_breakdowns):.2f}x, without history)."
        )
    print(
        f"  Target (c) < {TARGET_PAGE_MS:.0f} ms whatever the number of responses: "
        f"{verdict(all(x < TARGET_PAGE_MS for x in pages))} (worst {ms(max(pages))})."
    )


def main() -> None:
    global BENCH_DATABASE  # noqa: PLW0603 - one database per run, named once
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (after one warm-up)")
    parser.add_argument(
        "--small", type=int, default=1000, help="responses of the second campaign (0: none)"
    )
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="server, without database")
    parser.add_argument(
        "--postgres-database",
        default=BENCH_DATABASE,
        help="database to drop, create and fill (default hrdd_bench)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument(
        "--history",
        type=int,
        default=1000,
        help="also time (b) with this many earlier releases and with the most allowed (0: skip)",
    )
    parser.add_argument(
        "--no-breakdowns",
        dest="breakdowns",
        action="store_false",
        help="skip the measurements with breakdowns by country, industry and size",
    )
    parser.add_argument(
        "--breakdown-history",
        type=int,
        default=200,
        help="earlier releases for (b) with breakdowns (0: skip)",
    )
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    BENCH_DATABASE = args.postgres_database

    if args.worker:
        print(RESULT_PREFIX + json.dumps(worker(args)), flush=True)
        return

    sys.path.insert(0, str(ROOT))
    print("Summary Report benchmark")
    for key, value in machine_info(args):
        print(f"  {key:<26} {value}")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    workdir = Path(tempfile.mkdtemp(prefix="hrdd-bench-"))
    results = []
    try:
        for database in databases:
            print(f"\n{database}: running (progress below)", flush=True)
            results.append(run_worker(database, args, workdir))
            print_database(results[-1], args.responses)
            print_history(results[-1], args.responses)
            print_breakdowns(results[-1], args.responses)
    finally:
        if args.keep:
            print(
                f"\nKept: {workdir}" + (f" and {BENCH_DATABASE}" if "postgres" in databases else "")
            )
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if "postgres" in databases:
                try:
                    drop_postgres_database(args.postgres_url)
                except Exception as error:  # noqa: BLE001 - cleaning up only
                    print(f"could not drop {BENCH_DATABASE}: {error}", file=sys.stderr)
    print_summary(results, args.responses, args.small)
    after = os.getloadavg()
    print(f"  load average at the end: {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
