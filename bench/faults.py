#!/usr/bin/env python
"""Fault scripts: suppliers saving and submitting under load, and through a database restart.

    .venv/bin/python bench/faults.py load [--database sqlite|postgres] [--clients 20]
        [--duration 60]
    .venv/bin/python bench/faults.py db-restart [--clients 20] [--duration 60] [--outage 3]

Both: a fresh database (an SQLite file in a temporary folder, or a temporary PostgreSQL
database, created and dropped), a crisis-impact campaign, gunicorn on 127.0.0.1 (--workers
sync workers), and --clients simulated suppliers (threads; each its own cookies, CSRF token
and connection) answering for --duration seconds, as browsers do: landing page, Start, then
each page: open it, sometimes "Save and continue later" (and open it again), Next, and on the
last page Submit, then the receipt. A request that times out, fails to connect or gets a 5xx
is sent again, unchanged (the supplier presses the same button again), after a short pause.

db-restart (PostgreSQL only): the same load; at --at of the duration, PostgreSQL is stopped
(pg_ctlcluster ... stop -m fast, which also drops every other connection to it), left down
for --outage seconds and started again (always, in a finally). Requests during the outage
must get the 503 "try again" page (hrdd.core.middleware), never a server error.

Afterwards the database is checked against what the clients saw:

- every submission the server acknowledged (the client saw the redirect to the receipt) is
  there exactly once, submitted, with exactly the answer rows its answers make;
- no submitted response lacks any of its answer rows or has extra ones, no unsubmitted
  response has answer rows (nothing half-written), no duplicate answer rows;
- no submitted response that no client submitted; every save the server acknowledged is
  still in its draft (drafts kept).

The exit status is 1 if a check fails.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suppliers import (  # noqa: E402
    POSTGRES_URL,
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
    prepare_campaign,
    revision_of,
    server_env,
    setup_django,
)

TRY_AGAIN_MARKER = b"The answers you saved so far are kept."
SAVE_SHARE = 0.3  # how often a supplier presses "Save and continue later" on a page


class Stopped(Exception):
    """The run is over: the supplier stops where it is."""


class Supplier(threading.Thread):
    """One simulated supplier, answering flow after flow until the deadline."""

    def __init__(self, number: int, ctx: dict, args, deadline: float):
        super().__init__(name=f"supplier-{number}", daemon=True)
        self.ctx = ctx
        self.args = args
        self.deadline = deadline
        self.rng = random.Random(number)
        self.browser = Browser(ctx["port"], timeout=args.timeout)
        self.stats: Counter = Counter()
        self.events: list[tuple[float, str]] = []  # (time, outcome) of every request
        self.started_codes: list[str] = []
        self.submit_sent: set[str] = set()
        self.acknowledged: list[str] = []
        self.saved: dict[str, dict] = {}  # code -> answers the server acknowledged saving
        self.unexpected: Counter = Counter()

    # One request, sent again on timeouts, connection errors and 5xx, as a person would.
    def send(self, kind: str, method: str, path: str, data=None, expect=(200,)):
        for attempt in range(self.args.attempts):
            if attempt:
                self.stats["retries"] += 1
                time.sleep(min(2.0, 0.25 * attempt) * (0.5 + self.rng.random()))
            if time.perf_counter() > self.deadline:
                raise Stopped  # nothing new is sent after the end (what is in flight finishes)
            self.stats["requests"] += 1
            try:
                reply = self.browser.request(method, path, data)
            except RequestFailed as error:
                cause = error.__cause__
                what = "timeouts" if isinstance(cause, TimeoutError) else "connection errors"
                self.stats[what] += 1
                self.events.append((time.perf_counter(), what))  # "t..." / "c..."
                continue
            self.events.append((reply.ended, str(reply.status)))
            if reply.status in expect:
                self.stats[f"{kind} ok"] += 1
                return reply
            if reply.status >= 500:
                if reply.status == 503 and TRY_AGAIN_MARKER in reply.body:
                    self.stats["HTTP 503 try-again page"] += 1
                else:
                    self.stats[f"HTTP {reply.status} other"] += 1
                continue
            self.unexpected[f"{kind}: HTTP {reply.status}"] += 1
            return None
        self.stats["gave up"] += 1
        return None

    def run(self) -> None:
        try:
            while time.perf_counter() < self.deadline:
                self.flow()
        except Stopped:
            pass

    def flow(self) -> None:
        slug, pages = self.ctx["slug"], self.ctx["pages"]
        landing = f"/r/{slug}/"
        reply = self.send("landing", "GET", landing)
        if reply is None:
            return
        started = self.send(
            "start", "POST", landing, {**self.browser.form(reply), "action": "start"}, (302,)
        )
        if started is None:
            return
        self.stats["flows"] += 1
        location = started.location
        answer_path = location.split("?")[0]
        code = answer_path.rstrip("/").rsplit("/", 1)[1]
        self.started_codes.append(code)
        saved: dict = {}
        for number, answers in enumerate(pages, start=1):
            path = page_path(answer_path, number)
            reply = self.send("page", "GET", location)
            if reply is None:
                return
            if self.rng.random() < SAVE_SHARE:
                data = {
                    **self.browser.form(reply),
                    "revision": revision_of(reply),
                    "action": "save",
                    **answers,
                }
                if self.send("save", "POST", path, data, (302,)) is None:
                    return
                saved.update(answers)
                self.saved[code] = dict(saved)
                reply = self.send("page", "GET", path)
                if reply is None:
                    return
            is_last = number == len(pages)
            data = {
                **self.browser.form(reply),
                "revision": revision_of(reply),
                "action": "submit" if is_last else "next",
                **answers,
            }
            if is_last:
                self.submit_sent.add(code)
            posted = self.send("submit" if is_last else "next", "POST", path, data, (302,))
            if posted is None:
                return
            saved.update(answers)
            self.saved[code] = dict(saved)
            location = posted.location
        if not location.endswith("/receipt/"):
            self.unexpected[f"submit redirected to {location.split('/a/')[-1]}"] += 1
            return
        self.acknowledged.append(code)
        self.send("receipt", "GET", location)


# --------------------------------------------------------------------------------------------
# PostgreSQL restart
# --------------------------------------------------------------------------------------------


def find_cluster(port: int) -> tuple[str, str]:
    """(version, name) of the local cluster listening on `port`, from pg_lsclusters."""
    out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[2] == str(port):
            return fields[0], fields[1]
    raise SystemExit(f"No local PostgreSQL cluster on port {port} (pg_lsclusters).")


def pg_ctl(cluster: tuple[str, str], action: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, action]
    if action == "stop":
        command += ["-m", "fast"]
    subprocess.run(command, check=True, capture_output=True, text=True)


def wait_until_ready(port: int, seconds: float = 30) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)])
        if ready.returncode == 0:
            return
        time.sleep(0.1)
    raise SystemExit("PostgreSQL did not accept connections again")


def restart_postgres(args, at: float, timeline: dict) -> None:
    """Stop PostgreSQL at `at` (perf_counter), keep it down --outage seconds, start it."""
    time.sleep(max(0.0, at - time.perf_counter()))
    log(f"stopping PostgreSQL {'/'.join(args.cluster)} for {args.outage:g} s")
    timeline["stop"] = time.perf_counter()
    try:
        pg_ctl(args.cluster, "stop")
        timeline["stopped"] = time.perf_counter()
        time.sleep(args.outage)
    finally:
        timeline["start"] = time.perf_counter()
        pg_ctl(args.cluster, "start")  # returns once the server accepts connections
        wait_until_ready(args.port)
        timeline["ready"] = time.perf_counter()
        log(f"PostgreSQL started again in {timeline['ready'] - timeline['start']:.1f} s")


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def check(campaign, suppliers: list[Supplier]) -> tuple[list[tuple[bool, str]], str]:
    """What the database holds against what the clients saw: [(passed, what)], and notes."""
    from django.db import connection
    from django.db.models import Count

    from hrdd.core.tokens import hash_code
    from hrdd.responses.models import Answer, Response

    expected = expected_rows(campaign)
    acknowledged = [c for s in suppliers for c in s.acknowledged]
    submit_sent = {c for s in suppliers for c in s.submit_sent}
    started = [c for s in suppliers for c in s.started_codes]
    saved = {c: a for s in suppliers for c, a in s.saved.items()}

    responses = {
        r.code_hash: r
        for r in Response.objects.filter(campaign=campaign).only(
            "code_hash", "status", "draft", "revision"
        )
    }
    rows: dict[int, list] = {}
    for response_id, question, option in Answer.objects.filter(campaign=campaign).values_list(
        "response_id", "question_code", "option_code"
    ):
        rows.setdefault(response_id, []).append((question, option))
    by_pk = {r.pk: r for r in responses.values()}
    submitted = [r for r in responses.values() if r.status == Response.Status.SUBMITTED]
    hashes = {hash_code(c): c for c in started}

    results = []
    missing = wrong = 0
    for code in acknowledged:
        response = responses.get(hash_code(code))
        if response is None or response.status != Response.Status.SUBMITTED:
            missing += 1
        elif sorted(rows.get(response.pk, [])) != sorted(expected):
            wrong += 1
    results.append(
        (
            not missing and not wrong and len(acknowledged) == len(set(acknowledged)),
            f"acknowledged submissions in the database exactly once with their {len(expected)} "
            f"answer rows: {len(acknowledged):,} checked, {missing} missing, {wrong} with wrong "
            f"rows",
        )
    )
    half = [r for r in submitted if sorted(rows.get(r.pk, [])) != sorted(expected)]
    results.append(
        (
            not half,
            f"submitted responses with exactly their answer rows: {len(submitted):,} submitted, "
            f"{len(half)} without",
        )
    )
    orphan_rows = sum(
        len(v) for pk, v in rows.items() if pk not in by_pk or not by_pk[pk].is_submitted
    )
    results.append((not orphan_rows, f"answer rows of unsubmitted responses: {orphan_rows}"))
    duplicates = (
        Answer.objects.filter(campaign=campaign)
        .values("response_id", "question_code", "option_code")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    results.append((not duplicates, f"duplicate answer rows: {duplicates}"))
    phantom = [r for r in submitted if hashes.get(r.code_hash) not in submit_sent]
    results.append((not phantom, f"submitted responses no client submitted: {len(phantom)}"))
    lost = 0
    for code, answers in saved.items():
        response = responses.get(hash_code(code))
        if response is None or any(response.draft.get(k) != v for k, v in answers.items()):
            lost += 1
    results.append(
        (
            not lost,
            f"acknowledged saves still in their drafts: {len(saved):,} responses checked, "
            f"{lost} lost",
        )
    )
    not_acked = len(submitted) - len(
        set(acknowledged) & {hashes.get(r.code_hash) for r in submitted}
    )
    unknown = sum(1 for h in responses if h not in hashes)
    info = (
        f"submitted but the client never saw the receipt (it stopped or gave up first): "
        f"{not_acked}; responses of no known code (a Start whose reply was lost, sent "
        f"again): {unknown}; drafts left unfinished at the end: "
        f"{sum(1 for r in responses.values() if not r.is_submitted)}"
    )
    connection.close()
    return results, info


# --------------------------------------------------------------------------------------------
# Run
# --------------------------------------------------------------------------------------------


def run(args) -> int:
    restart = args.scenario == "db-restart"
    workdir = new_workdir("hrdd-faults-")
    database = ScratchDatabase(
        args.database, workdir, name="bench_faults", postgres_url=args.postgres_url
    )
    extra = {} if args.conn_max_age is None else {"DB_CONN_MAX_AGE": args.conn_max_age}
    env = server_env(database.url, workdir, **extra)
    database.create()
    server = None
    try:
        setup_django(env)
        from django.conf import settings
        from django.db import connections

        campaign = prepare_campaign()
        pages = answer_pages(campaign)
        connections.close_all()
        server = Server(env, workdir, workers=args.workers)
        server.start(f"/r/{campaign.public_slug}/")
        ctx = {"port": server.port, "slug": campaign.public_slug, "pages": pages}
        conn_max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
        print(
            f"\n{args.scenario}: {args.clients} suppliers for {args.duration:g} s, gunicorn "
            f"{args.workers} sync workers on 127.0.0.1, {database.describe()}, "
            f"CONN_MAX_AGE={conn_max_age}, client timeout {args.timeout:g} s",
            flush=True,
        )
        began = time.perf_counter()
        deadline = began + args.duration
        suppliers = [Supplier(n, ctx, args, deadline) for n in range(args.clients)]
        for supplier in suppliers:
            supplier.start()
        timeline: dict = {}
        try:
            if restart:
                restart_postgres(args, began + args.at * args.duration, timeline)
        finally:
            for supplier in suppliers:
                supplier.join()
        elapsed = time.perf_counter() - began
        server.stop()
        log("load over: checking the database")
        results, info = check(campaign, suppliers)
        report(args, suppliers, elapsed, timeline, began, server, results, info)
        return 0 if all(ok for ok, _ in results) and clean(args, suppliers, server) else 1
    finally:
        if server:
            server.stop()
        from django.db import connections

        connections.close_all()
        if args.keep:
            log(f"kept {database.describe()} and {workdir}")
        else:
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)


def clean(args, suppliers, server) -> bool:
    """No server error and no unexpected page: every failure was a clean, retried one."""
    stats = sum((s.stats for s in suppliers), Counter())
    others = sum(n for k, n in stats.items() if k.endswith(" other"))
    unexpected = sum((s.unexpected for s in suppliers), Counter())
    return not others and not unexpected and not server.log_count("Internal Server Error")


def report(args, suppliers, elapsed, timeline, began, server, results, info) -> None:
    stats = sum((s.stats for s in suppliers), Counter())
    unexpected = sum((s.unexpected for s in suppliers), Counter())
    acknowledged = sum(len(s.acknowledged) for s in suppliers)
    print(f"\n  requests sent            {stats['requests']:,} in {elapsed:.1f} s")
    print(f"  flows started            {stats['flows']:,}")
    print(f"  submissions acknowledged {acknowledged:,} ({acknowledged / elapsed:.1f} /s)")
    print(f"  saves acknowledged       {stats['save ok']:,} (Save and continue later)")
    print(f"  retries                  {stats['retries']:,}")
    print(f"    503 try-again pages    {stats['HTTP 503 try-again page']:,}")
    print(f"    timeouts               {stats['timeouts']:,}")
    print(f"    connection errors      {stats['connection errors']:,}")
    for key in sorted(k for k in stats if k.endswith(" other")):
        print(f"    {key:<22} {stats[key]:,}   <- a server error, not the try-again page")
    print(f"  requests given up        {stats['gave up']:,} (after {args.attempts} attempts)")
    for what, n in sorted(unexpected.items()):
        print(f"  unexpected: {n} x {what}")
    errors = server.log_count("Internal Server Error")
    outages = server.log_count("Database unavailable during")
    print(f"  server log: {outages:,} 'database unavailable' (503), {errors} server errors (500)")
    if timeline:
        events = sorted(e for s in suppliers for e in s.events)
        failed = [t for t, outcome in events if outcome[0] in "5tc"]
        ready = timeline["ready"]
        after = [t for t, outcome in events if t > timeline["stop"] and outcome[0] in "23"]
        recovered = min((t for t in after if t > max(failed, default=0)), default=float("nan"))
        during = [o for t, o in events if timeline["stop"] <= t <= timeline["start"]]
        print(
            f"  outage: stop issued at {timeline['stop'] - began:.1f} s (PostgreSQL down at "
            f"{timeline['stopped'] - began:.1f} s), start issued at "
            f"{timeline['start'] - began:.1f} s, accepting connections by {ready - began:.1f} s"
        )
        first, last = min(failed, default=began), max(failed, default=began)
        print(
            f"  clients: {len(during):,} replies between stop and start, "
            f"{sum(o == '503' for o in during):,} of them the 503 page; failures from "
            f"{first - began:.1f} s to {last - began:.1f} s; first success after the last "
            f"failure at {recovered - began:.1f} s"
        )
    print("\n  checks")
    for ok, text in results:
        print(f"    [{'ok' if ok else 'FAILED'}] {text}")
    ok = clean(args, suppliers, server)
    print(
        f"    [{'ok' if ok else 'FAILED'}] every failed request was a timeout, a refused "
        f"connection or the 503 try-again page: no server error, no unexpected page"
    )
    print(f"    info: {info}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=["load", "db-restart"])
    parser.add_argument("--database", choices=["sqlite", "postgres"])
    parser.add_argument("--clients", type=int, default=20, help="concurrent suppliers")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--timeout", type=float, default=10, help="client timeout, seconds")
    parser.add_argument("--attempts", type=int, default=40, help="sends of one request at most")
    parser.add_argument(
        "--conn-max-age", type=int, help="DB_CONN_MAX_AGE of the server (default: the settings')"
    )
    parser.add_argument("--outage", type=float, default=3, help="seconds PostgreSQL stays down")
    parser.add_argument("--at", type=float, default=0.5, help="when to stop it (share of run)")
    parser.add_argument("--cluster", help="PostgreSQL cluster as VERSION/NAME (default: on --port)")
    parser.add_argument("--port", type=int, default=5432, help="PostgreSQL port")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="server, without database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # in order with the progress lines (stderr)
    if args.scenario == "db-restart":
        if args.database == "sqlite":
            parser.error("db-restart restarts PostgreSQL: use --database postgres")
        args.database = "postgres"
        if not 0 < args.outage <= 10:
            parser.error("--outage: keep it short (0-10 s): other people use this PostgreSQL")
        args.cluster = tuple(args.cluster.split("/")) if args.cluster else find_cluster(args.port)
    args.database = args.database or "sqlite"
    print("Fault script: suppliers under load" + (", PostgreSQL restart" if args.cluster else ""))
    for key, value in machine_info():
        print(f"  {key:<26} {value}")
    status = run(args)
    after = os.getloadavg()
    print(f"\n  load average at the end: {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}")
    sys.exit(status)


if __name__ == "__main__":
    main()
