#!/usr/bin/env python
"""Benchmark the Summary Report release pipeline against the bare GROUP BY of the answers.

    .venv/bin/python bench/report.py --responses 100000 [--database sqlite|postgres|both]

For each database, in a fresh database (an SQLite file in a temporary folder; the PostgreSQL
database `hrdd_bench`, dropped and created again), in its own Python process so that the
settings stay clean: migrate, generate N responses (plus a second campaign of --small
responses) with `manage.py generate_responses`, VACUUM ANALYZE, then measure (median of
--runs runs after one warm-up run), each figure beside the baseline measured in the same
phase of the same run:

(a)  baseline: one bare `SELECT question_code, option_code, COUNT(*) ... GROUP BY 1, 2` over
     the campaign's answers, through the covering index answer_count_idx (plan printed);
     (a') the same grouped by the three supplier fields too (answer_breakdown_idx);
(d)  counting the campaign from scratch: its first tally_update, then tally_rebuild; and,
     once, the same count marking each response (as the first count did before
     Tally.counted_to_id);
(b)  a release as the worker makes it: report_release_if_due after k responses arrived
     that the worker has not counted, in a campaign whose previous release holds half of
     the responses, so that the batch it measures is the other half (the doubling
     schedule: the last batch is the largest); the release's SELECTs on their own, and the
     policy (plan, noise, accumulate, summarise) alone;
     also a refresh that counts k new responses and makes no release;
(c)  serving the released report page: a logged-in GET of reports:summary;
(b') (b) with --history earlier releases (150), with the three breakdowns (country,
     industry, size), and both.

Targets: (b) at most 1.5 x (a) on the same data in the same run, also with breakdowns and
history; (d) at most 3 x (a); (c) under 100 ms. See bench/README.md.
"""

import argparse
import base64
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
TARGET_SCRATCH_RATIO = 3.0
TARGET_PAGE_MS = 100.0
DIMENSIONS = ["country", "industry", "size"]

BASELINE_SQL = (
    "SELECT question_code, option_code, COUNT(*) FROM responses_answer "
    "WHERE campaign_id = %s GROUP BY 1, 2"
)
# (a') The bare GROUP BY breakdowns need: answers carry their response's supplier fields.
BREAKDOWN_SQL = (
    "SELECT question_code, option_code, supplier_country, supplier_industry, supplier_size, "
    "COUNT(*) FROM responses_answer WHERE campaign_id = %s GROUP BY 1, 2, 3, 4, 5"
)


# --------------------------------------------------------------------------------------------
# Worker: one database, in its own process (Django is set up here only).
# --------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(fn, runs: int, setup=None, warmup: bool = True) -> dict:
    """Median (and range) in ms of `runs` calls of fn, after one warm-up call; the load
    average (1 min) when it ended."""
    if warmup:
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
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": runs,
        "load": os.getloadavg()[0],
    }


def recreate_postgres_database(base_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def drop_postgres_database(base_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def vacuum() -> None:
    """ANALYZE (SQLite) or VACUUM ANALYZE (PostgreSQL, as autovacuum would have done: without
    it, PostgreSQL cannot use index-only scans on freshly loaded rows)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")


def worker(args) -> dict:
    if args.worker == "postgres":
        recreate_postgres_database(args.postgres_url)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hrdd.reports.tally import tally_update

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
    call_command("migrate", verbosity=0)

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
        log(out.splitlines()[-1])
        campaigns.append({"id": int(out.split()[0]), "responses": count, "generate_s": elapsed})
    log("analyse the tables (ANALYZE; VACUUM ANALYZE on PostgreSQL, as autovacuum would)")
    vacuum()
    big = campaigns[0]["id"]
    result["scratch"] = measure_scratch(big, args.runs)
    for info in campaigns[1:]:
        tally_update(campaign_id=info["id"])
    if connection.vendor == "postgresql":
        vacuum()  # the count marking each response left a dead row version per response
    result["sizes"] = []
    for info in campaigns:
        log(f"(a), (b), (c) at {info['responses']:,} responses")
        out = measure_release(info["id"], args.runs, dimensions=[], history=0, details=True)
        result["sizes"].append({**info, **out})
    result["variants"] = []
    variants = []
    if args.history:
        variants.append(([], args.history))
    if args.breakdowns:
        variants += [(["country"], 0), (DIMENSIONS, 0)]
        if args.history:
            variants.append((DIMENSIONS, args.history))
    for dimensions, history in variants:
        log(f"(b) with breakdowns {dimensions or 'none'} and {history} earlier releases")
        out = measure_release(
            big, args.runs, dimensions=dimensions, history=history, details=dimensions == DIMENSIONS
        )
        result["variants"].append({"dimensions": dimensions, "history": history, **out})
    if args.methods:
        result["methods"] = measure_methods(big)
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
        return cursor.fetchall() if cursor.description else []


def baselines(cid: int, runs: int) -> dict:
    """(a) and (a') measured now, for the figures of the same phase of the run."""
    return {
        "a": timed(lambda: run_sql(BASELINE_SQL, [cid]), runs),
        "a2": timed(lambda: run_sql(BREAKDOWN_SQL, [cid]), runs),
    }


# --- (d) Counting a campaign from scratch ---------------------------------------------------


def measure_scratch(cid: int, runs: int) -> dict:
    """The campaign's first tally_update (it has counted nothing: every response is new;
    the tally is deleted before each run), tally_rebuild, and once the same count marking
    each response, as it was done before the tally recorded counted_to_id. Each with the
    tally checked against a full count."""
    from django.db import connection

    from hrdd.reports import tally
    from hrdd.reports.models import Tally, TallyCell, TallyGroup
    from hrdd.responses.models import Response

    out = baselines(cid, runs)
    out["a_plan"] = explain(BASELINE_SQL, [cid])
    out["a2_plan"] = explain(BREAKDOWN_SQL, [cid])
    log("(d) the first count of the campaign (from scratch)")
    counted = []

    def forget():
        # As if the campaign had never been counted (untimed): no tally, no cells.
        TallyCell.objects.filter(campaign_id=cid).delete()
        TallyGroup.objects.filter(campaign_id=cid).delete()
        Tally.objects.filter(campaign_id=cid).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM reports_tallycell")  # as after a new campaign's rows

    first = lambda: counted.append(tally.tally_update(campaign_id=cid))  # noqa: E731
    out["first"] = timed(first, runs, forget)
    out["counted"] = counted[-1]
    out["marked"] = Response.objects.filter(campaign_id=cid).exclude(tally_run=None).count()
    out["counted_to_id"] = Tally.objects.get(campaign_id=cid).counted_to_id
    out["agree_first"] = tally.tally_counts_agree(campaign_id=cid)
    log("(d) tally_rebuild")
    out["rebuild"] = timed(lambda: tally.tally_rebuild(campaign_id=cid), runs)
    out["agree_rebuild"] = tally.tally_counts_agree(campaign_id=cid)
    log("(d) the same count marking each response (as before counted_to_id), once")
    unmarked_from = tally.SCRATCH_UNMARKED_FROM
    tally.SCRATCH_UNMARKED_FROM = 10**12
    try:
        out["marking_each"] = timed(lambda: tally.tally_rebuild(campaign_id=cid), 1, warmup=False)
    finally:
        tally.SCRATCH_UNMARKED_FROM = unmarked_from
    out["agree_marking"] = tally.tally_counts_agree(campaign_id=cid)
    out["after"] = baselines(cid, runs)
    return out


# --- (b) Releases ---------------------------------------------------------------------------


def new_batch(cid: int, count: int | None = None) -> int:
    """The campaign's latest `count` responses (default k, the campaign's minimum) taken out
    of the report's counts again, as if they had been submitted since the worker last
    counted: the next refresh counts them, by response, as it counts new submissions.
    Returns their number."""
    from django.db import connection, transaction
    from django.db.models import F

    from hrdd.campaigns.models import Campaign
    from hrdd.reports import tally
    from hrdd.reports.models import Tally, TallyCell, TallyGroup
    from hrdd.responses.models import TALLY_PENDING, Answer, Response

    with transaction.atomic():
        tally.tally_update(campaign_id=cid)
        k = Campaign.objects.get(pk=cid).min_responses
        submitted = Response.objects.filter(campaign_id=cid, status=Response.Status.SUBMITTED)
        ids = list(submitted.order_by("-pk").values_list("pk", flat=True)[: count or k])
        lowest = min(ids)
        for model, rows, columns in (
            (
                TallyCell,
                Answer.objects.filter(campaign_id=cid, response_id__gte=lowest),
                tally._CELL_FIELDS,
            ),
            (TallyGroup, submitted.filter(pk__gte=lowest), tally.DIMENSION_COLUMNS),
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
        upto = Tally.objects.get(campaign_id=cid).counted_to_id
        # Up to counted_to_id a response without a mark counts as counted: PENDING says it
        # is not (as a draft of the count from scratch submitted since); above, no mark.
        submitted.filter(pk__gte=lowest, pk__lte=upto).update(tally_run=TALLY_PENDING)
        submitted.filter(pk__gte=lowest, pk__gt=upto).update(tally_run=None)
        Tally.objects.filter(campaign_id=cid).update(responses=F("responses") - len(ids))
    return len(ids)


def prepare(cid: int, dimensions: list[str], history: int) -> dict:
    """The campaign as the worker leaves it before the release measured: breakdowns
    declared, a previous release that measured the first half of the responses (the
    latest of `history` earlier releases: copies of it before), every response counted.
    The released counts of that moment are kept in temporary tables (`restore`)."""
    from django.db import connection

    from hrdd.campaigns.models import Campaign
    from hrdd.reports.models import ReportRelease, TallyCell, TallyGroup
    from hrdd.reports.services import report_release_if_due
    from hrdd.reports.tally import tally_total, tally_update
    from hrdd.responses.models import Response

    Campaign.objects.filter(pk=cid).update(breakdowns=dimensions)
    ReportRelease.objects.filter(campaign_id=cid).delete()
    tally_update(campaign_id=cid)
    TallyCell.objects.filter(campaign_id=cid).update(released_n=0)
    TallyGroup.objects.filter(campaign_id=cid).update(released_n=0)
    total = tally_total(campaign_id=cid)
    half = total // 2
    new_batch(cid, total - half)
    # The second half is held back (drafts again) while the previous release is made, then
    # counted by the worker as responses submitted since.
    later = Response.objects.filter(campaign_id=cid).order_by("-pk")[total - half - 1].pk
    Response.objects.filter(campaign_id=cid, pk__gte=later).update(status=Response.Status.DRAFT)
    first = report_release_if_due(campaign_id=cid)
    Response.objects.filter(campaign_id=cid, pk__gte=later).update(status=Response.Status.SUBMITTED)
    if first is None or first.response_count != half:
        raise SystemExit(f"campaign {cid}: the first release was not made ({first})")
    if tally_update(campaign_id=cid) != total - half:
        raise SystemExit(f"campaign {cid}: the second half was not counted")
    earlier = max(history, 1)
    if earlier > 1:
        ReportRelease.objects.filter(pk=first.pk).update(number=earlier)
        ReportRelease.objects.bulk_create(
            [
                ReportRelease(
                    campaign_id=cid,
                    number=number,
                    response_count=(n := 100 + (number - 1) * (half - 100) // (earlier - 1)),
                    reason=ReportRelease.Reason.BATCH,
                    content={**first.content, "response_count": n},
                )
                for number in range(1, earlier)
            ],
            batch_size=50,
        )
    for table in ("reports_tallycell", "reports_tallygroup"):
        run_sql(f"DROP TABLE IF EXISTS saved_{table}")
        run_sql(
            f"CREATE TEMPORARY TABLE saved_{table} AS SELECT id, released_n FROM {table} "
            "WHERE campaign_id = %s",
            [cid],
        )
        run_sql(f"CREATE INDEX saved_{table}_id ON saved_{table} (id)")
        if connection.vendor == "postgresql":
            # Setting the campaign up rewrote every cell several times: compact the table
            # (with its fillfactor), so that each variant starts as the previous one did and
            # not with the dead space of every set-up before it.
            run_sql(f"VACUUM FULL ANALYZE {table}")
    return {"earlier": earlier, "half": half, "content_bytes": len(json.dumps(first.content))}


def restore(cid: int, earlier: int) -> None:
    """Back to the moment `prepare` left: the releases after the earlier ones deleted, the
    released counts as they were."""
    from django.db import connection

    from hrdd.reports.models import ReportRelease

    ReportRelease.objects.filter(campaign_id=cid, number__gt=earlier).delete()
    for table in ("reports_tallycell", "reports_tallygroup"):
        run_sql(
            f"UPDATE {table} SET released_n = COALESCE((SELECT s.released_n FROM saved_{table} s "
            f"WHERE s.id = {table}.id), 0) WHERE campaign_id = %s",
            [cid],
        )
        if connection.vendor == "postgresql":
            # Each run rewrites every cell twice (this restore, the release's mark): without
            # a vacuum, dead row versions pile up run after run, which in operation
            # autovacuum removes long before the next release (the responses must double).
            run_sql(f"VACUUM ANALYZE {table}")


def measure_release(cid: int, runs: int, *, dimensions, history: int, details: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hrdd import policy
    from hrdd.campaigns.models import Campaign
    from hrdd.reports.models import PrivacyReservation, ReportRelease
    from hrdd.reports.services import report_release_if_due
    from hrdd.reports.tally import tally_batch, tally_total
    from hrdd.responses.models import Answer

    out = prepare(cid, dimensions, history)
    earlier = out["earlier"]
    out.update(baselines(cid, runs))
    out["answers"] = Answer.objects.filter(campaign_id=cid).count()

    def setup():
        restore(cid, earlier)
        out["batch_new"] = new_batch(cid)

    made = []
    out["b"] = timed(lambda: made.append(report_release_if_due(campaign_id=cid)), runs, setup)
    if not all(made) or any(r.number != earlier + 1 for r in made):
        raise SystemExit(f"campaign {cid}: report_release_if_due made no release")
    release = made[-1]
    out["measured"] = release.response_count - out["half"]
    out["release_bytes"] = len(json.dumps(release.content))
    out["groups"] = {
        b["dimension"]: len(b["groups"]) for b in release.content.get("breakdowns", [])
    }
    if not details:
        return out
    # A refresh that counts k new responses and makes no release (the release exists).
    out["refresh"] = timed(
        lambda: made.append(report_release_if_due(campaign_id=cid)),
        runs,
        lambda: new_batch(cid),
    )
    # The release's SELECTs, each on its own (outside its transaction), with their plans.
    setup()
    with CaptureQueriesContext(connection) as captured:
        report_release_if_due(campaign_id=cid)
    out["queries"] = len(captured.captured_queries)
    out["slowest"] = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )[:6]
    parts = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith("SELECT") and "pg_advisory" not in sql:
            parts.append({"sql": sql, "time": timed(lambda s=sql: run_sql(s), runs)})
    for part in parts:
        part["plan"] = explain(part["sql"])
    out["parts"] = parts
    # The policy alone: plan, noise, accumulate, summarise (and the breakdowns' tables).
    restore(cid, earlier)
    campaign = Campaign.objects.select_related("questionnaire_version").get(pk=cid)
    dims = list(dimensions)
    batch, groups, sizes = tally_batch(campaign_id=cid, dimensions=dims)
    design = policy.design_of(campaign.questionnaire_version.parsed)
    epsilon = PrivacyReservation.objects.get(campaign_id=cid).epsilon
    previous = ReportRelease.objects.get(campaign_id=cid, number=earlier).content["noisy"]
    total, k = tally_total(campaign_id=cid), campaign.min_responses

    def policy_only():
        plan = policy.plan_batch(
            epsilon=epsilon, batch=batch[0], dimensions=len(dims), design=design
        )
        measured = policy.measure_batch(design=design, plan=plan, batch=batch, groups=groups)
        cumulative = policy.accumulate(previous, measured)
        policy.summarise(design=design, total=total, k=k, cumulative=cumulative, epsilon=epsilon)
        for d in dims:
            policy.summarise_breakdown(
                design=design, dimension=d, sizes=sizes[d], k=k, cumulative=cumulative
            )

    out["policy"] = timed(policy_only, runs)
    out["tally_batch"] = timed(lambda: tally_batch(campaign_id=cid, dimensions=dims), runs)
    # (c) The released page.
    restore(cid, earlier)
    report_release_if_due(campaign_id=cid)
    out["c"], out["c_queries"], out["c_bytes"] = measure_page(
        campaign, runs, f"{'-'.join(dims)}{history}"
    )
    return out


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


# --- The comparison: how the other survey app counts, on the same data ----------------------


def measure_methods(cid: int) -> dict:
    """Per-question counts the way the comparable survey app of DESIGN.md makes them (every
    answer loaded as a model object, counted in Python), and with one ORM query
    (`values().annotate(Count)`), on this campaign's answers. The app itself is not
    installed here: this is its method on this schema, once each."""
    from collections import Counter

    from django.db.models import Count

    from hrdd.responses.models import Answer

    log("comparison: every answer as a model object, counted in Python (once)")

    def objects():
        counts = Counter()
        for answer in Answer.objects.filter(campaign_id=cid).iterator(chunk_size=2000):
            counts[answer.question_code, answer.option_code] += 1
        return counts

    def orm():
        return list(
            Answer.objects.filter(campaign_id=cid)
            .values("question_code", "option_code")
            .annotate(n=Count("*"))
            .order_by()
        )

    return {
        "objects": timed(objects, 1, warmup=False),
        "orm": timed(orm, 3),
        "a": timed(lambda: run_sql(BASELINE_SQL, [cid]), 3),
    }


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
        IMPACT_ENCRYPTION_KEY=os.environ.get("IMPACT_ENCRYPTION_KEY")
        or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
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
    if not args.breakdowns:
        command.append("--no-breakdowns")
    if not args.methods:
        command.append("--no-methods")
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


def row(label: str, figure: dict, base: dict | None = None, target: str = "", limit=None) -> str:
    """One line: median (range, runs, load at the end), the baseline and the ratio to it."""
    spread = f"({ms(figure['min'])}-{ms(figure['max'])})" if figure.get("runs", 1) > 1 else ""
    load = f"{figure['load']:.1f}" if "load" in figure else ""
    ratio = ""
    if base is not None:
        ratio = f"{figure['median'] / base['median']:.2f}x"
    mark = ""
    if target:
        ok = limit(figure, base)
        mark = f"{target}: {verdict(ok)}"
    return (
        f"    {label:<58} {ms(figure['median']):>10} {spread:>21} {figure.get('runs', 1):>4} "
        f"{load:>5} {ms(base['median']) if base else '':>10} {ratio:>7}  {mark}"
    )


def ratio_at_most(limit: float):
    return lambda figure, base: figure["median"] / base["median"] <= limit


def page_under(figure, _base) -> bool:
    return figure["median"] < TARGET_PAGE_MS


HEADER = (
    f"    {'':<58} {'median':>10} {'(min-max)':>21} {'runs':>4} {'load':>5} "
    f"{'baseline':>10} {'ratio':>7}  target"
)


def print_database(result: dict, big: int) -> None:
    print(f"\n=== {result['database']} {result['version']} ({result['location']}) ===")
    for size in result["sizes"]:
        print(
            f"  {size['responses']:,} responses, {size['answers']:,} answer rows: generated in "
            f"{size['generate_s']:.1f} s"
        )
    scratch = result["scratch"]
    print("\n  (a) baseline: " + BASELINE_SQL.replace("%s", "<campaign>"))
    for line in scratch["a_plan"]:
        print(f"        {line}")
    print("  (a') with the supplier fields: " + BREAKDOWN_SQL.replace("%s", "<campaign>"))
    for line in scratch["a2_plan"]:
        print(f"        {line}")
    print("\n  (d) counting the campaign from scratch (ratios against (a) of the same phase)")
    print(HEADER)
    a = scratch["a"]
    print(row("(a) bare GROUP BY, covering index", a))
    print(row("(a') bare GROUP BY with the supplier fields", scratch["a2"], a))
    ok3 = ratio_at_most(TARGET_SCRATCH_RATIO)
    target = f"<= {TARGET_SCRATCH_RATIO:.0f}x"
    print(
        row(
            f"(d) first tally_update, {scratch['counted']:,} responses",
            scratch["first"],
            a,
            target,
            ok3,
        )
    )
    print(row("(d) tally_rebuild", scratch["rebuild"], a, target, ok3))
    print(row("    the same marking each response (as before), once", scratch["marking_each"], a))
    print(row("(a) again after them", scratch["after"]["a"]))
    print(
        f"    responses marked by the first count: {scratch['marked']:,} (counted_to_id "
        f"{scratch['counted_to_id']:,}); tally equal to a full count: first "
        f"{scratch['agree_first']}, rebuild {scratch['agree_rebuild']}, marking each "
        f"{scratch['agree_marking']}"
    )
    for size in result["sizes"]:
        a = size["a"]
        print(
            f"\n  {size['responses']:,} responses: (b) a release measuring the "
            f"{size['measured']:,} responses since the previous one, {size['batch_new']} of "
            "them not counted yet by the worker"
        )
        print(HEADER)
        print(row("(a) bare GROUP BY, covering index", a))
        is_big = size["responses"] == big
        ok = ratio_at_most(TARGET_RATIO)
        print(
            row(
                f"(b) build a release ({size['queries']} queries)",
                size["b"],
                a,
                f"<= {TARGET_RATIO}x" if is_big else "",
                ok,
            )
        )
        print(
            row(f"    a refresh counting {size['batch_new']} new, no release", size["refresh"], a)
        )
        print(row("    of which tally_batch (the batch's counts)", size["tally_batch"], a))
        print(row("    the policy alone (plan, noise, summarise)", size["policy"], a))
        print(
            row(
                f"(c) serve the released page ({size['c_queries']} q., {size['c_bytes']:,} B)",
                size["c"],
                None,
                f"< {TARGET_PAGE_MS:.0f} ms",
                page_under,
            )
        )
        if is_big:
            print_parts(size, a)
    variants = result.get("variants") or []
    if variants:
        print(
            f"\n  (b) at {big:,} responses with breakdowns and earlier releases "
            "(ratios against (a) and (a') of the same phase)"
        )
        print(HEADER)
        for v in variants:
            dims = ", ".join(v["dimensions"]) or "no breakdowns"
            groups = ", ".join(f"{d} {n}" for d, n in v["groups"].items())
            label = f"(b) {dims}, {v['earlier']} earlier releases"
            ok = ratio_at_most(TARGET_RATIO)
            print(row("(a) bare GROUP BY", v["a"]))
            print(row("(a') bare GROUP BY with the supplier fields", v["a2"], v["a"]))
            print(row(label, v["b"], v["a"], f"<= {TARGET_RATIO}x", ok))
            print(row("    the same against (a')", v["b"], v["a2"]))
            extra = f"groups: {groups}; " if groups else ""
            print(f"    {extra}release content {v['release_bytes']:,} B")
            if "c" in v:
                print(
                    row(
                        f"(c) the page with breakdowns ({v['c_queries']} q.)",
                        v["c"],
                        None,
                        f"< {TARGET_PAGE_MS:.0f} ms",
                        page_under,
                    )
                )
                print(row("    the policy alone", v["policy"], v["a"]))
                print(row("    of which tally_batch", v["tally_batch"], v["a"]))
    methods = result.get("methods")
    if methods:
        print("\n  Per-question counts as the other survey app makes them, on the same answers")
        print(HEADER)
        print(row("(a) bare GROUP BY", methods["a"]))
        print(row("one ORM query, values().annotate(Count)", methods["orm"], methods["a"]))
        print(
            row("every answer a model object, counted in Python", methods["objects"], methods["a"])
        )


def print_parts(size: dict, a: dict) -> None:
    print("    the slowest statements of one release, as it ran them:")
    for took, sql in size.get("slowest", []):
        print(f"        {ms(took):>9}  {short_sql(sql, 120)}")
    print("    the release's SELECTs, each on its own (plans of those reading the tally):")
    for number, part in enumerate(size["parts"], 1):
        sql = short_sql(part["sql"], 150)
        median = part["time"]["median"]
        print(f"    {number:>2}. {ms(median):>9} {median / a['median']:>5.2f}x  {sql}")
        if "tally" in part["sql"] and "GROUP BY" in part["sql"]:
            for line in part["plan"]:
                if line.strip():
                    print(f"          {line}")


def print_summary(results: list[dict], big: int, small: int) -> None:
    print(f"\n=== Summary at {big:,} responses (medians; ratios against (a) of the same phase) ===")
    names = [f"{r['database']} {r['version']}" for r in results]
    print(f"  {'':<56}" + "".join(f"{n:>26}" for n in names))
    lines: dict[str, list[str]] = {}

    def add(label, value):
        lines.setdefault(label, []).append(value)

    for r in results:
        s = next(x for x in r["sizes"] if x["responses"] == big)
        a = s["a"]["median"]
        add("(a) bare GROUP BY (release phase)", ms(a))
        add("(b) release", f"{ms(s['b']['median'])} = {s['b']['median'] / a:.2f}x")
        for v in r.get("variants") or []:
            dims = "+".join(v["dimensions"]) or "no breakdowns"
            earlier = v["earlier"]
            va = v["a"]["median"]
            add(
                f"(b) {dims}, {earlier} earlier",
                f"{ms(v['b']['median'])} = {v['b']['median'] / va:.2f}x",
            )
        sc = r["scratch"]
        sa = sc["a"]["median"]
        add("(a) bare GROUP BY (counting phase)", ms(sa))
        add(
            "(d) first count from scratch",
            f"{ms(sc['first']['median'])} = {sc['first']['median'] / sa:.2f}x",
        )
        add(
            "(d) tally_rebuild",
            f"{ms(sc['rebuild']['median'])} = {sc['rebuild']['median'] / sa:.2f}x",
        )
        add(
            "    marking each response (before)",
            f"{ms(sc['marking_each']['median'])} = {sc['marking_each']['median'] / sa:.2f}x",
        )
        add("(c) page", ms(s["c"]["median"]))
        sm = next((x for x in r["sizes"] if x["responses"] == small), None)
        add(f"(c) page at {small:,} responses", ms(sm["c"]["median"]) if sm else "-")
    for label, values in lines.items():
        print(f"  {label:<56}" + "".join(f"{v:>26}" for v in values))


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
        "--history", type=int, default=150, help="earlier releases for (b') (0: skip)"
    )
    parser.add_argument(
        "--no-breakdowns",
        dest="breakdowns",
        action="store_false",
        help="skip the measurements with breakdowns by country, industry and size",
    )
    parser.add_argument(
        "--no-methods",
        dest="methods",
        action="store_false",
        help="skip counting as the other survey app does (loads every answer: slow)",
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
    if results:
        print_summary(results, args.responses, args.small)
    after = os.getloadavg()
    print(f"  load average at the end: {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
