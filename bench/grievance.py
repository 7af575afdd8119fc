"""Benchmark: the grievance intake under 20 concurrent reporters, on SQLite and PostgreSQL.

    .venv/bin/python bench/grievance.py                         # both databases
    .venv/bin/python bench/grievance.py --database sqlite --reports 200 --think 0.5

Target (issue 17): intake p99 under 300 ms at 20 concurrent reporters.

Per database (bench/suppliers.py: a scratch database, gunicorn with sync workers on a free
port of 127.0.0.1, DEBUG=0):
1. prepare: migrate, a buyer with one owner who set a grievance passphrase, one channel;
2. baseline: every reporter GETs the channel's form page (the cheapest request of the
   channel: the same middleware, no write, no derivation), --reports times in all;
3. intake: 20 threads, each a reporter with its own cookies: GET the form, read its CSRF
   token, wait --think seconds (a worker typing: 0 means back to back, the server
   saturated), POST the real form (what, where, since, who, want; --passphrase-percent of
   the reports with a passphrase). The timed request is the POST, which answers with the
   receipt page (the receipt key derived: argon2id with a passphrase, keyed BLAKE2b
   without; the report encrypted, the data key sealed to the handler). Every answer is
   checked (200 and a receipt code on the page), then the rows counted.
The rate limit per reporter is lifted (every thread comes from 127.0.0.1).
"""

import argparse
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suppliers import (  # noqa: E402
    POSTGRES_URL,
    Browser,
    ScratchDatabase,
    Server,
    machine_info,
    new_workdir,
    percentile,
    server_env,
    setup_django,
)

PREFIX = "RESULT "
CODE = re.compile(rb"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){7}")
STORY = {
    "what": "The agent keeps our passports and we pay back a recruitment debt every month.",
    "where": "Sewing line 3",
    "since": "March",
    "who": "Twelve of us",
    "want": "Our passports back",
    "contact": "",
    "passphrase": "",
}


def prepare() -> str:
    """Migrate, make a buyer, its owner's key and a channel; return the channel's slug."""
    from django.core.management import call_command

    from hrdd.grievances import services
    from hrdd.organisations.models import Membership, Organisation
    from hrdd.testing import world

    call_command("migrate", verbosity=0)
    buyer = Organisation.objects.create(name="Bench Buyer", kind=Organisation.Kind.BUYER)
    owner = world.member(buyer, "handler@bench.example", Membership.Role.OWNER)
    services.handler_key_create(user=owner, passphrase="bench handler passphrase")
    channel = services.channel_create(
        organisation=buyer, name="Bench workers", languages=["en", "ja", "vi"]
    )
    return channel.slug


def run_threads(port: int, reporters: int, total: int, work) -> tuple[list[float], list[str]]:
    """`total` runs of work(browser) over `reporters` threads; their timings and failures."""
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def reporter(index: int) -> None:
        browser = Browser(port, timeout=60, language=["en", "ja", "vi"][index % 3])
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            try:
                seconds = work(browser)
            except Exception as error:  # noqa: BLE001 - counted and shown
                with lock:
                    failures.append(repr(error)[:200])
                continue
            with lock:
                times.append(seconds)

    threads = [threading.Thread(target=reporter, args=(i,)) for i in range(reporters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, failures


def run_database(kind: str, args) -> dict:
    workdir = new_workdir(f"hrdd-grievance-{kind}-")
    database = ScratchDatabase(kind, workdir, name="grievance", postgres_url=args.postgres_url)
    database.create()
    env = server_env(
        database.url,
        workdir,
        RATE_LIMIT_GRIEVANCE_PER_ADDRESS="100000000/m",
        RATE_LIMIT_RECEIPT_PER_ADDRESS="100000000/m",
    )
    setup_django(env)
    from django.db import connections

    slug = prepare()
    connections.close_all()
    server = Server(env, workdir, workers=args.workers)
    form_path = f"/g/{slug}/"
    try:
        server.start(form_path)

        def get_form(browser: Browser) -> float:
            reply = browser.get(form_path)
            if reply.status != 200:
                raise RuntimeError(f"GET form: {reply.status}")
            return reply.seconds

        posted = itertools.count()
        lock = threading.Lock()
        with_passphrase: list[float] = []
        without: list[float] = []

        def report(browser: Browser) -> float:
            page = browser.get(form_path)
            if page.status != 200:
                raise RuntimeError(f"GET form: {page.status}")
            if args.think:
                time.sleep(args.think)
            number = next(posted)
            passphrase = "my own words" if number % 100 < args.passphrase_percent else ""
            data = {**browser.form(page), **STORY, "passphrase": passphrase}
            reply = browser.post(form_path, data)
            if reply.status != 200 or not CODE.search(reply.body):
                raise RuntimeError(f"POST report: {reply.status} {reply.body[:200]!r}")
            with lock:
                (with_passphrase if passphrase else without).append(reply.seconds)
            return reply.seconds

        # Warm-up: every worker imports and connects before anything is timed.
        run_threads(server.port, args.reporters, args.reporters * 2, get_form)
        base, base_failures = run_threads(server.port, args.reporters, args.reports, get_form)
        started = time.perf_counter()
        intake, failures = run_threads(server.port, args.reporters, args.reports, report)
        wall = time.perf_counter() - started
    finally:
        server.stop()
    from hrdd.grievances.models import Case

    stored = Case.objects.count()
    connections.close_all()
    database.drop()
    return {
        "base": base,
        "intake": intake,
        "without": without,
        "with_passphrase": with_passphrase,
        "failures": base_failures + failures,
        "stored": stored,
        "wall": wall,
    }


def describe(name: str, times: list[float], base_p50: float) -> str:
    p50, p95, p99 = (percentile(times, p) * 1000 for p in (50, 95, 99))
    return (
        f"  {name:<28} n={len(times):4d}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"p99 {p99:6.1f} ms  max {max(times) * 1000:6.1f} ms  "
        f"(p50 ratio to the form page {p50 / base_p50:4.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--reporters", type=int, default=20)
    parser.add_argument("--reports", type=int, default=400, help="reports in all")
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="seconds between GET and POST per reporter (0: back to back, saturating)",
    )
    parser.add_argument(
        "--passphrase-percent",
        type=int,
        default=20,
        help="share of reports sent with a passphrase (argon2id), in percent",
    )
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--run", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:  # one database, in its own process (its own Django settings)
        print(PREFIX + json.dumps(run_database(args.run, args)), flush=True)
        return
    print(
        f"Grievance intake: {args.reporters} concurrent reporters, {args.reports} reports, "
        f"think time {args.think} s, {args.passphrase_percent}% with a passphrase, "
        f"gunicorn {args.workers} sync workers"
    )
    for label, value in machine_info():
        print(f"{label}: {value}")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for kind in databases:
        command = [sys.executable, __file__, *sys.argv[1:], "--run", kind]
        out = subprocess.run(command, capture_output=True, text=True, check=False)
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        line = next(x for x in out.stdout.splitlines() if x.startswith(PREFIX))
        result = json.loads(line[len(PREFIX) :])
        base_p50 = statistics.median(result["base"]) * 1000
        p99 = percentile(result["intake"], 99) * 1000
        print(f"\n{kind}: {result['stored']} cases stored, {len(result['failures'])} failures")
        print(describe("GET form page (baseline)", result["base"], base_p50))
        print(describe("POST report (intake)", result["intake"], base_p50))
        print(describe("  of which no passphrase", result["without"], base_p50))
        print(describe("  of which with passphrase", result["with_passphrase"], base_p50))
        verdict = "met" if p99 < 300 else "MISSED"
        print(
            f"  intake p99 {p99:.1f} ms: target < 300 ms {verdict}; "
            f"throughput {len(result['intake']) / result['wall']:.1f} reports/s"
        )
        for failure in result["failures"][:5]:
            print(f"  failure: {failure}")


if __name__ == "__main__":
    main()
