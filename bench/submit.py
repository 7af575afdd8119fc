#!/usr/bin/env python
"""Benchmark: suppliers submitting answers over HTTP, against the bare ceiling of the stack.

    .venv/bin/python bench/submit.py [--database sqlite|postgres|both] [--clients 20]
        [--workers 2] [--duration 24] [--rounds 6] [--warmup 1] [--conn-max-age N]

For each database, in its own process (settings stay clean): a fresh database (an SQLite
file in a temporary folder, or a temporary PostgreSQL database, created and dropped), migrated,
with a campaign of the built-in crisis-impact questionnaire; gunicorn on 127.0.0.1 with
--workers sync workers; then --clients concurrent simulated suppliers (threads, one
http.client connection and cookie jar each) in three phases:

bare    the ceiling: POST the 10 answers to a bare view mounted for the benchmark only
        (bench/bench_urls.py, through DJANGO_SETTINGS_MODULE=bench.bench_settings), which
        inserts one Response and its 10 Answer rows in one transaction, with the same
        gunicorn, middleware and database;
submit  the submitting request of the real flow: POST the last page with action=submit, as
        the browser sends it, on drafts that already hold the answers of pages 1-3
        (prepared in the database beforehand; one fresh draft per request). The view saves
        the page, checks everything, writes the Answer rows, enqueues the report refresh
        and redirects to the receipt;
flow    the whole flow, as a browser: GET the landing page, POST start, then for each of the
        4 pages GET it and POST it (Next; Submit on the last), then GET the receipt:
        11 requests per submission, CSRF token and cookies as a browser sends them.

bare and submit take turns: their --duration counted seconds are split into --rounds rounds,
each after --warmup seconds that are not counted, so that both see the same share of
whatever else the machine does; flow then runs in one stretch (a flow takes seconds).

Printed: requests/s, p50/p90/p99/max latency of the counted requests, errors, and the CPU
time of the server's workers per request; for the flow, submissions/s, the submitting
request's latency and the whole flow's. The ratio submit/bare
is the issue's target (at least 0.5, in the same run), with p99 under 200 ms at 20 clients.
Before the load, one flow is profiled in-process (Django's test client): statements and
transactions per request, and CPU time.
"""

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suppliers import (  # noqa: E402
    ANSWERS,
    POSTGRES_URL,
    ROOT,
    Browser,
    RequestFailed,
    ScratchDatabase,
    Server,
    answer_pages,
    expected_rows,
    log,
    machine_info,
    new_workdir,
    page_path,
    percentile,
    prepare_campaign,
    revision_of,
    server_env,
    setup_django,
)

RESULT_PREFIX = "BENCH-RESULT "
TARGET_RATIO = 0.5
TARGET_P99_MS = 200.0
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


# --------------------------------------------------------------------------------------------
# CPU accounting (where did the time go: server workers, database, this client)
# --------------------------------------------------------------------------------------------


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            kids += [int(x) for x in (task / "children").read_text().split()]
    return kids


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def cpu_sample(server_pid: int) -> dict:
    return {
        "server": sum(_ticks(pid) for pid in _children(server_pid)),
        "client": sum(os.times()[:2]),
        "machine": _machine_ticks(),
    }


def cpu_between(first: dict, second: dict) -> dict:
    hz = os.sysconf("SC_CLK_TCK")
    busy = second["machine"][0] - first["machine"][0]
    total = second["machine"][1] - first["machine"][1]
    return {
        "server_s": (second["server"] - first["server"]) / hz,
        "client_s": second["client"] - first["client"],
        "machine_busy": busy / total if total else 0.0,
    }


# --------------------------------------------------------------------------------------------
# Load: one phase = --clients threads, each with its own browser, until the deadline
# --------------------------------------------------------------------------------------------


class Phase:
    """Shared state of one phase: timing window, records, errors."""

    def __init__(self, name: str, port: int, args):
        self.name = name
        self.port = port
        self.args = args
        self.errors: Counter = Counter()
        self.records: list[list] = []  # per thread: (kind, ended, seconds)
        self.lock = threading.Lock()
        self.exhausted = False

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


def bare_loop(phase: Phase, ctx: dict, browser: Browser, deadline: float, out: list) -> None:
    path = f"/bench/bare/{ctx['campaign_id']}/"
    data = dict(ANSWERS)
    while time.perf_counter() < deadline:
        try:
            reply = browser.post(path, data)
        except RequestFailed as error:
            phase.error(f"bare POST: {type(error.__cause__).__name__}")
            continue
        if reply.status == 200:
            out.append(("bare POST", reply.ended, reply.seconds))
        else:
            phase.error(f"bare POST: HTTP {reply.status}")


def submit_loop(phase: Phase, ctx: dict, browser: Browser, deadline: float, out: list) -> None:
    slug, pages, drafts = ctx["slug"], ctx["pages"], ctx["drafts"]
    last = len(pages)
    browser.get(f"/r/{slug}/")  # the csrftoken cookie, as from the earlier pages
    while time.perf_counter() < deadline:
        try:
            code = drafts.pop()
        except IndexError:
            phase.exhausted = True
            return
        data = {**browser.form(), "revision": "3", "action": "submit", **pages[-1]}
        try:
            reply = browser.post(page_path(f"/r/{slug}/a/{code}/", last), data)
        except RequestFailed as error:
            phase.error(f"submit POST: {type(error.__cause__).__name__}")
            continue
        if reply.status == 302 and reply.location.endswith("/receipt/"):
            out.append(("submit POST", reply.ended, reply.seconds))
        else:
            phase.error(f"submit POST: HTTP {reply.status}")


def flow_loop(phase: Phase, ctx: dict, browser: Browser, deadline: float, out: list) -> None:
    slug, pages = ctx["slug"], ctx["pages"]
    landing = f"/r/{slug}/"

    def step(kind: str, reply, expected: int) -> bool:
        if reply.status != expected:
            phase.error(f"{kind}: HTTP {reply.status}")
            return False
        out.append((kind, reply.ended, reply.seconds))
        return True

    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            reply = browser.get(landing)
            if not step("landing GET", reply, 200):
                continue
            reply = browser.post(landing, {**browser.form(reply), "action": "start"})
            if not step("start POST", reply, 302):
                continue
            location = reply.location
            answer_path = location.split("?")[0]
            for number, answers in enumerate(pages, start=1):
                if time.perf_counter() >= deadline:
                    return
                reply = browser.get(location)
                if not step("page GET", reply, 200):
                    break
                is_last = number == len(pages)
                data = {
                    **browser.form(reply),
                    "revision": revision_of(reply),
                    "action": "submit" if is_last else "next",
                    **answers,
                }
                reply = browser.post(page_path(answer_path, number), data)
                if not step("submit POST" if is_last else "page POST", reply, 302):
                    break
                location = reply.location
            else:
                if not location.endswith("/receipt/"):
                    phase.error(f"submit POST: redirected to {location}")
                    continue
                reply = browser.get(location)
                if step("receipt GET", reply, 200):
                    out.append(("flow", reply.ended, reply.ended - started))
        except RequestFailed as error:
            phase.error(f"{type(error.__cause__).__name__} ({error})"[:80])


LOOPS = {"bare": bare_loop, "submit": submit_loop, "flow": flow_loop}


def run_round(name: str, server: Server, ctx: dict, args, seconds: float, warmup: float) -> dict:
    """--clients threads for `warmup` seconds (not counted), then `seconds` counted."""
    phase = Phase(name, server.port, args)
    start = time.perf_counter()
    window = (start + warmup, start + warmup + seconds)
    threads = []
    for _ in range(args.clients):
        out: list = []
        phase.records.append(out)
        browser = Browser(server.port, timeout=30)
        thread = threading.Thread(
            target=LOOPS[name], args=(phase, ctx, browser, window[1], out), daemon=True
        )
        threads.append(thread)
        thread.start()
    time.sleep(max(0.0, window[0] - time.perf_counter()))
    first = cpu_sample(server.process.pid)
    time.sleep(max(0.0, window[1] - time.perf_counter()))
    second = cpu_sample(server.process.pid)
    for thread in threads:
        thread.join()
    counted: dict[str, list[float]] = {}
    for out in phase.records:
        for kind, ended, latency in out:
            if window[0] <= ended <= window[1]:
                counted.setdefault(kind, []).append(latency * 1000)
    return {
        "seconds": min(window[1], time.perf_counter()) - window[0],
        "counted": counted,
        "errors": phase.errors,
        "exhausted": phase.exhausted,
        "cpu": cpu_between(first, second),
    }


def summarise(name: str, rounds: list[dict]) -> dict:
    """One phase over its rounds: rates over the counted seconds, percentiles over all."""
    measured = sum(r["seconds"] for r in rounds)
    counted: dict[str, list[float]] = {}
    errors: Counter = Counter()
    for r in rounds:
        for kind, latencies in r["counted"].items():
            counted.setdefault(kind, []).extend(latencies)
        errors.update(r["errors"])
    kinds = {}
    for kind, latencies in counted.items():
        kinds[kind] = {
            "count": len(latencies),
            "per_s": len(latencies) / measured,
            "p50": percentile(latencies, 50),
            "p90": percentile(latencies, 90),
            "p99": percentile(latencies, 99),
            "max": max(latencies),
        }
    requests = sum(v["count"] for k, v in kinds.items() if k != "flow")
    cpu = {
        "server_s": sum(r["cpu"]["server_s"] for r in rounds),
        "client_s": sum(r["cpu"]["client_s"] for r in rounds),
        "machine_busy": sum(r["cpu"]["machine_busy"] * r["seconds"] for r in rounds) / measured,
    }
    return {
        "phase": name,
        "seconds": measured,
        "rounds": [
            {k: len(v) / r["seconds"] for k, v in r["counted"].items() if k != "flow"}
            for r in rounds
        ],
        "kinds": kinds,
        "requests": requests,
        "requests_per_s": requests / measured,
        "errors": dict(errors),
        "exhausted": any(r["exhausted"] for r in rounds),
        "cpu": cpu,
        "server_cpu_ms_per_request": cpu["server_s"] * 1000 / requests if requests else None,
    }


# --------------------------------------------------------------------------------------------
# Worker: one database, in its own process
# --------------------------------------------------------------------------------------------


def make_drafts(campaign, pages: list[dict], count: int) -> list[str]:
    """Drafts holding the answers of every page but the last, as after pressing Next 3 times."""
    from hrdd.core.tokens import hash_code, new_code
    from hrdd.responses.models import Response

    draft = {code: value for page in pages[:-1] for code, value in page.items()}
    codes = [new_code() for _ in range(count)]
    Response.objects.bulk_create(
        (
            Response(
                campaign=campaign, language="en", code_hash=hash_code(c), draft=draft, revision=3
            )
            for c in codes
        ),
        batch_size=2000,
    )
    return codes


def profile_flow(campaign, pages: list[dict]) -> dict:
    """One flow through Django's test client (in this process, no HTTP): per request, the
    statements and transactions it runs and the CPU time it takes (median of 10 flows)."""
    import re
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Every outermost atomic block starts its transaction with set_autocommit(False).
    transactions = [0]
    set_autocommit = connection.set_autocommit

    def counting_set_autocommit(autocommit, *a, **kw):
        if not autocommit:
            transactions[0] += 1
        return set_autocommit(autocommit, *a, **kw)

    measured: dict[str, dict] = {}

    def call(kind, fn):
        transactions[0] = 0
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            reply = fn()
            elapsed = (time.process_time() - started) * 1000
        entry = measured.setdefault(kind, {"ms": [], "queries": 0, "transactions": 0})
        entry["ms"].append(elapsed)
        entry["queries"] = len(
            [q for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
        )
        entry["transactions"] = transactions[0]
        entry["sql"] = [q["sql"][:160] for q in captured.captured_queries]
        return reply

    connection.set_autocommit = counting_set_autocommit
    try:
        landing = f"/r/{campaign.public_slug}/"
        # One client: a new one loads the middleware again (WhiteNoise scans the static
        # files), which a server does once per worker.
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        for _ in range(10):
            client.cookies.clear()
            call("landing GET", lambda c=client: c.get(landing))
            reply = call("start POST", lambda c=client: c.post(landing, {"action": "start"}))
            location = reply["Location"]
            answer_path = location.split("?")[0]
            for number, answers in enumerate(pages, start=1):
                page = call("page GET", lambda c=client, u=location: c.get(u))
                revision = re.search(rb'name="revision" value="(\d+)"', page.content).group(1)
                is_last = number == len(pages)
                data = {"revision": revision.decode(), "action": "submit" if is_last else "next"}
                target = page_path(answer_path, number)
                reply = call(
                    "submit POST" if is_last else "page POST",
                    lambda c=client, d={**data, **answers}, u=target: c.post(u, d),
                )
                if reply.status_code != 302:
                    raise SystemExit(f"profile: page {number}: HTTP {reply.status_code}")
                location = reply["Location"]
            call("receipt GET", lambda c=client, u=location: c.get(u))
    finally:
        del connection.set_autocommit
    return {
        kind: {
            "ms": statistics.median(v["ms"]),
            "queries": v["queries"],
            "transactions": v["transactions"],
            "sql": v["sql"],
        }
        for kind, v in measured.items()
    }


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def worker(args) -> dict:
    workdir = new_workdir("hrdd-submit-")
    database = ScratchDatabase(
        args.worker, workdir, name="bench_submit", postgres_url=args.postgres_url
    )
    extra = {} if args.conn_max_age is None else {"DB_CONN_MAX_AGE": args.conn_max_age}
    env = server_env(database.url, workdir, settings="bench.bench_settings", **extra)
    database.create()
    server = None
    try:
        setup_django(env)
        from django.conf import settings
        from django.db import connection

        result: dict = {
            "database": args.worker,
            "version": database_version(),
            "location": database.describe(),
            "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
        }
        log(f"{result['version']}: migrate, campaign")
        campaign = prepare_campaign()
        pages = answer_pages(campaign)
        log("profile one flow in-process (test client)")
        result["profile"] = profile_flow(campaign, pages)
        count = args.drafts or int(800 * (args.warmup * args.rounds + args.duration))
        log(f"prepare {count:,} drafts for the submit phase")
        drafts = make_drafts(campaign, pages, count)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        connection.close()
        ctx = {"slug": campaign.public_slug, "campaign_id": campaign.pk, "pages": pages}
        ctx["drafts"] = drafts
        server = Server(env, workdir, workers=args.workers)
        server.start(f"/r/{campaign.public_slug}/")
        # bare and submit take turns, round after round, so that each sees the same share
        # of whatever else the machine is doing.
        rounds: dict[str, list] = {name: [] for name in args.phases}
        turns = [name for name in args.phases if name != "flow"]
        seconds = args.duration / args.rounds
        for number in range(1, args.rounds + 1):
            for name in turns:
                log(
                    f"round {number}/{args.rounds}, {name}: {args.clients} clients, "
                    f"{args.warmup:g} s + {seconds:g} s"
                )
                rounds[name].append(run_round(name, server, ctx, args, seconds, args.warmup))
        # A whole flow takes seconds: it runs in one stretch, after a warm-up long enough
        # for the suppliers to reach every page.
        if "flow" in args.phases:
            log(f"flow: {args.clients} clients, {args.flow_warmup:g} s + {args.duration:g} s")
            rounds["flow"].append(
                run_round("flow", server, ctx, args, args.duration, args.flow_warmup)
            )
        result["phases"] = {name: summarise(name, r) for name, r in rounds.items()}
        server.stop()
        result["server_errors_logged"] = server.log_count("Traceback")
        result["integrity"] = check_integrity(campaign)
        result["load_average"] = os.getloadavg()
        return result
    finally:
        if server:
            server.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"kept {database.describe()} in {workdir}")


def check_integrity(campaign) -> dict:
    """Every submission has exactly its answer rows; no draft has any."""
    from django.db.models import Count, Q

    from hrdd.responses.models import Answer, Response

    expected = len(expected_rows(campaign))
    # Responses of the bare view keep revision 0; every real submission was saved first.
    real = Response.objects.filter(
        campaign=campaign, status=Response.Status.SUBMITTED, revision__gt=0
    )
    counts = real.annotate(n=Count("answers")).values_list("n", flat=True)
    return {
        "submitted": real.count(),
        "rows_per_submission": expected,
        "wrong_row_count": sum(1 for n in counts if n != expected),
        "answers_of_drafts": Answer.objects.filter(
            Q(response__campaign=campaign) & ~Q(response__status=Response.Status.SUBMITTED)
        ).count(),
    }


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def run_worker(database: str, args) -> dict:
    command = [sys.executable, __file__, "--worker", database]
    for option in (
        "clients",
        "workers",
        "duration",
        "warmup",
        "flow_warmup",
        "rounds",
        "drafts",
        "postgres_url",
    ):
        command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    command += ["--phases", ",".join(args.phases)]
    if args.conn_max_age is not None:
        command += ["--conn-max-age", str(args.conn_max_age)]
    if args.keep:
        command.append("--keep")
    out = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if out.returncode:
        raise SystemExit(f"{database}: the benchmark failed (see above)")
    line = next(x for x in out.stdout.splitlines() if x.startswith(RESULT_PREFIX))
    return json.loads(line[len(RESULT_PREFIX) :])


def fmt_row(label: str, k: dict | None) -> str:
    if not k:
        return f"  {label:<34} {'-':>8}"
    return (
        f"  {label:<34} {k['per_s']:>8.1f} {k['p50']:>7.1f} {k['p90']:>7.1f} "
        f"{k['p99']:>7.1f} {k['max']:>7.1f}"
    )


def print_result(r: dict, args) -> None:
    print(f"\n{r['version']}: {r['location']}, CONN_MAX_AGE={r['conn_max_age']}")
    print("  profile, one flow in-process (Django test client, no HTTP; median of 10):")
    print(f"    {'request':<14} {'statements':>10} {'transactions':>13} {'CPU ms':>7}")
    for kind, p in r["profile"].items():
        print(f"    {kind:<14} {p['queries']:>10} {p['transactions']:>13} {p['ms']:>7.1f}")
    if args.verbose:
        print("  SQL of the submitting request:")
        for sql in r["profile"]["submit POST"]["sql"]:
            print(f"    {sql}")
    print(
        f"\n  {args.clients} clients, {args.workers} sync workers, {args.duration:g} s counted "
        f"per phase: bare and submit in {args.rounds} rounds taking turns, each after "
        f"{args.warmup:g} s warm-up; flow in one stretch after {args.flow_warmup:g} s"
    )
    print(f"  {'':<34} {'per s':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    phases = r["phases"]
    bare = phases.get("bare", {}).get("kinds", {}).get("bare POST")
    submit = phases.get("submit", {}).get("kinds", {}).get("submit POST")
    flow = phases.get("flow", {}).get("kinds", {})
    print(fmt_row("(b) bare view: insert 1 + 10 rows", bare))
    print(fmt_row("(a) submitting request (submit)", submit))
    print(fmt_row("(a) whole flow: submissions", flow.get("flow")))
    print(fmt_row("    of which the submit POST", flow.get("submit POST")))
    for kind in ("landing GET", "start POST", "page GET", "page POST", "receipt GET"):
        print(fmt_row(f"    {kind}", flow.get(kind)))
    for name in ("bare", "submit"):
        if name in phases:
            key = f"{name} POST"
            rates = ", ".join(f"{r.get(key, 0):.0f}" for r in phases[name]["rounds"])
            print(f"  {name} per round: {rates} /s")
    for name, phase in phases.items():
        cpu = phase["cpu"]
        per = phase["server_cpu_ms_per_request"]
        print(
            f"  {name:<6} {phase['requests_per_s']:>7.1f} requests/s; CPU: server workers "
            f"{cpu['server_s']:.1f} s ({per or 0:.1f} ms/request), this client "
            f"{cpu['client_s']:.1f} s, machine {cpu['machine_busy']:.0%} busy; "
            f"errors {sum(phase['errors'].values())}"
            + (" (drafts ran out)" if phase["exhausted"] else "")
        )
        for what, n in sorted(phase["errors"].items()):
            print(f"         {n} x {what}")
    if bare and submit:
        ratio = submit["per_s"] / bare["per_s"]
        ok = ratio >= TARGET_RATIO and submit["p99"] < TARGET_P99_MS
        print(
            f"  submit / bare = {ratio:.2f} (target >= {TARGET_RATIO}); submit p99 "
            f"{submit['p99']:.0f} ms (target < {TARGET_P99_MS:.0f} ms): "
            + ("MET" if ok else "NOT MET")
        )
    if bare and submit:
        cpu_bare = phases["bare"]["server_cpu_ms_per_request"]
        cpu_submit = phases["submit"]["server_cpu_ms_per_request"]
        print(
            f"  by the workers' CPU time per request (what the rates would be, both CPU-bound, "
            f"on a machine of their own): submit / bare = {cpu_bare / cpu_submit:.2f} "
            f"({cpu_submit:.1f} ms vs {cpu_bare:.1f} ms)"
        )
    if bare and flow.get("flow"):
        print(
            f"  whole flow: {flow['flow']['per_s'] / bare['per_s']:.2f} x bare "
            f"(11 requests per submission)"
        )
    i = r["integrity"]
    print(
        f"  integrity: {i['submitted']:,} real submissions, {i['wrong_row_count']} without "
        f"exactly {i['rows_per_submission']} answer rows, {i['answers_of_drafts']} answer rows "
        f"of drafts; server tracebacks logged: {r['server_errors_logged']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--clients", type=int, default=20, help="concurrent suppliers")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--duration", type=float, default=24, help="counted seconds per phase")
    parser.add_argument(
        "--warmup", type=float, default=1, help="uncounted seconds at the start of each round"
    )
    parser.add_argument(
        "--rounds", type=int, default=6, help="bare and submit take turns: duration in rounds"
    )
    parser.add_argument(
        "--flow-warmup", type=float, default=8, help="uncounted seconds before the flow phase"
    )
    parser.add_argument(
        "--phases", default="bare,submit,flow", help="comma-separated: bare, submit, flow"
    )
    parser.add_argument(
        "--conn-max-age", type=int, help="DB_CONN_MAX_AGE of the server (default: the settings')"
    )
    parser.add_argument("--drafts", type=int, default=0, help="drafts for the submit phase")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="server, without database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the submit's SQL")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if unknown := set(args.phases) - set(LOOPS):
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")

    if args.worker:
        print(RESULT_PREFIX + json.dumps(worker(args)), flush=True)
        return

    print("Supplier submission throughput")
    for key, value in machine_info():
        print(f"  {key:<26} {value}")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = []
    for database in databases:
        results.append(run_worker(database, args))
        print_result(results[-1], args)
    after = os.getloadavg()
    print(f"\n  load average at the end: {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
