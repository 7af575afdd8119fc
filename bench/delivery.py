"""Benchmark: a campaign launch to 10,000 suppliers and the delivery of its e-mails.

    .venv/bin/python bench/delivery.py                                  # SQLite, database tasks
    .venv/bin/python bench/delivery.py --database postgres
    .venv/bin/python bench/delivery.py --database postgres --tasks rq --workers 2

On a fresh database (an SQLite file in a temporary folder, or a temporary PostgreSQL database):
a buyer with `--suppliers` suppliers and a campaign; then

(a) `campaign_invite` queues one personal link per supplier (invitations, token hashes, outbox
    rows, all in one transaction). Target: under 5 s for 10,000;
(b) the outbox is delivered to a local SMTP server (aiosmtpd in a process of its own, so the
    worker's CPU is measured on its own) by `--workers` real worker processes (`manage.py
    db_worker`, or `manage.py rqworker` with `--tasks rq`), EMAIL_RATE_LIMIT=0. Target: 100
    messages/s or more with one worker.

Every message must arrive exactly once: the SMTP server writes the Message-ID of each message it
accepts (`<outbox-<pk>@...>`) to a file, which is compared with the outbox rows.

The helpers here (scratch database, SMTP sink, workers, checks) are shared with
bench/faults_delivery.py. Nothing here is imported by the application.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"
MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^>]+)>", re.IGNORECASE | re.MULTILINE)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until(predicate, *, timeout: float, every: float = 0.2, what: str = "") -> float:
    """Poll `predicate` until it is true; returns the seconds waited. Raises on timeout."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(every)
    return time.monotonic() - started


# --- A scratch database ---------------------------------------------------------------------


class ScratchDatabase:
    """A fresh database for one run, dropped afterwards unless `keep`."""

    def __init__(self, kind: str, workdir: Path, *, postgres_url: str = POSTGRES_URL, keep=False):
        self.kind, self.workdir, self.postgres_url, self.keep = kind, workdir, postgres_url, keep
        self.name = f"hrdd_bench_delivery_{os.getpid()}"

    @property
    def url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        return f"{self.postgres_url}/{self.name}"

    def __enter__(self) -> ScratchDatabase:
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(self.postgres_url + "/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {self.name}")
        return self

    def __exit__(self, *exc) -> None:
        if self.kind == "postgres" and not self.keep:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(self.postgres_url + "/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


# --- A private Redis (for --tasks rq) ----------------------------------------------------------


class PrivateRedis:
    """redis-server on a free port of 127.0.0.1, no persistence, stopped at the end: a run never
    touches another program's Redis."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def __enter__(self) -> PrivateRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("--tasks rq needs redis-server (Debian: apt-get install redis-server)")
        self.process = subprocess.Popen(
            [binary, "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly"]
            + ["no", "--dir", str(self.workdir), "--logfile", str(self.workdir / "redis.log")],
            stdout=subprocess.DEVNULL,
        )

        def up() -> bool:
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.2):
                return True
            return False

        wait_until(up, timeout=10, what="redis-server")
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)


# --- The SMTP sink: a process of its own -------------------------------------------------------


def sink_main(port: int, path: str) -> None:
    """Run an SMTP server on 127.0.0.1:`port` that accepts everything and appends
    "<time> <message-id>" to `path` for every message it accepts.

    SIGTERM stops it as a mail server stops for maintenance: it stops listening (connections are
    refused), finishes the message being received, answers the next MAIL FROM with 421 and
    closes. SIGKILL stops it dead.
    """
    import asyncio

    from aiosmtpd.smtp import SMTP

    out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the life of the process

    class Sink:
        closing = False

        async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
            if self.closing:
                asyncio.get_running_loop().call_soon(server.transport.close)
                return "421 4.3.2 Service shutting down, try again later"
            envelope.mail_from = address
            envelope.mail_options.extend(mail_options)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            found = MESSAGE_ID.search(envelope.original_content)
            out.write(f"{time.time():.6f} {found.group(1).decode() if found else '-'}\n")
            return "250 Message accepted for delivery"

    handler = Sink()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="sink.local", ident="bench sink"), HOST, port
        )
        stopped = loop.create_future()

        def stop() -> None:
            handler.closing = True
            server.close()
            loop.call_later(1.0, lambda: stopped.done() or stopped.set_result(None))

        loop.add_signal_handler(signal.SIGTERM, stop)
        print("READY", flush=True)
        await stopped

    asyncio.run(main())
    out.close()


class SMTPSink:
    """The SMTP sink process, started and stopped by the benchmark (same port every time)."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.path = workdir / "received.txt"
        self.path.touch()
        self.process: subprocess.Popen | None = None
        self.cpu_s = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--sink", str(self.port), str(self.path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if line.strip() != "READY":
            raise RuntimeError("the SMTP sink did not start")

    def stop(self, *, hard: bool = False) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
        _pid, _status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = 0
        self.cpu_s += usage.ru_utime + usage.ru_stime
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None

    def received(self) -> list[tuple[float, str]]:
        rows = []
        for line in self.path.read_text().splitlines():
            at, _, message_id = line.partition(" ")
            rows.append((float(at), message_id))
        return rows

    def count(self) -> int:
        with open(self.path, "rb") as f:
            return sum(1 for _ in f)


# --- Workers -------------------------------------------------------------------------------


@dataclass
class Worker:
    """One worker process: `manage.py db_worker` or `manage.py rqworker`, its output in a file."""

    tasks: str
    env: dict
    log: Path
    process: subprocess.Popen | None = None
    cpu_s: float = 0.0
    kills: int = 0
    starts: int = 0
    logs: list[Path] = field(default_factory=list)

    def command(self) -> list[str]:
        manage = [sys.executable, str(ROOT / "manage.py")]
        if self.tasks == "rq":
            # --with-scheduler: runs scheduled jobs (retries, watchdog runs) when due.
            return (
                manage
                + ["rqworker", "email", "default"]
                + [
                    "--job-class",
                    "django_tasks_rq.Job",
                    "--with-scheduler",
                ]
            )
        return manage + ["db_worker", "--queue-name", "*", "--no-startup-delay"]

    def start(self) -> None:
        self.starts += 1
        path = self.log.with_name(f"{self.log.stem}-{self.starts}.log")
        self.logs.append(path)
        with open(path, "w") as out:
            self.process = subprocess.Popen(
                self.command(), env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def running(self) -> bool:
        return self.process is not None

    def _reap(self, timeout: float | None = None) -> bool:
        """Wait for the process to end (at most `timeout` s) and add up its CPU time (its own
        and its children's: RQ runs each job in a forked child)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            pid, _status, usage = os.wait4(self.process.pid, 0 if deadline is None else os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        self.process.returncode = 0
        self.cpu_s += usage.ru_utime + usage.ru_stime
        self.process = None
        return True

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind, as when a machine or a container dies."""
        self.process.send_signal(signal.SIGKILL)
        self.kills += 1
        self._reap()

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then its CPU time is known."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        if not self._reap(timeout=60):
            self.process.send_signal(signal.SIGKILL)
            self._reap()

    def output(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.logs if p.exists())


# --- Django in this process and the data -------------------------------------------------------


def settings_env(
    *, database_url: str, var_dir: Path, smtp_port: int, tasks: str, redis_url: str = "", **extra
) -> dict:
    """The environment of this process and of every worker: the platform's own settings."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "TASKS_BACKEND", "REDIS_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        VAR_DIR=str(var_dir),
        DEBUG="0",
        # DEBUG=0 needs a strong key of its own (config/settings.py).
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        IMPACT_ENCRYPTION_KEY=os.environ.get("IMPACT_ENCRYPTION_KEY")
        or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        EMAIL_URL=f"smtp://{HOST}:{smtp_port}?timeout=10",
        EMAIL_RATE_LIMIT="0",
        LOG_LEVEL="INFO",
    )
    if tasks == "rq":
        env.update(TASKS_BACKEND="django_tasks_rq.RQBackend", REDIS_URL=redis_url)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_campaign(suppliers: int, *, japanese_every: int = 4):
    """A buyer with `suppliers` suppliers (one in `japanese_every` writes Japanese) and an open
    campaign in English and Japanese. Returns the campaign."""
    from datetime import timedelta

    from django.utils import timezone

    from hrdd.campaigns.services import campaign_create
    from hrdd.organisations.models import Organisation
    from hrdd.questionnaires.models import Questionnaire
    from hrdd.suppliers.models import Supplier

    buyer = Organisation.objects.create(name="Bench Apparel", country="JP", industry="apparel")
    Supplier.objects.bulk_create(
        [
            Supplier(
                organisation=buyer,
                name=f"Factory {i:05d}",
                country="VN" if i % 3 else "TH",
                contact_name=f"Contact {i:05d}",
                email=f"factory{i:05d}@suppliers.example",
                language="ja" if i % japanese_every == 0 else "en",
            )
            for i in range(suppliers)
        ],
        batch_size=2000,
    )
    return campaign_create(
        organisation=buyer,
        questionnaire_version=Questionnaire.objects.get(code="crisis-impact").latest_version(),
        name="Crisis impact 2026",
        languages=["en", "ja"],
        by=None,
        opens_at=timezone.now() - timedelta(days=1),
    )


def launch(campaign) -> dict:
    """campaign_invite, timed, with the number of SQL queries it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hrdd.invitations.services import campaign_invite

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        created = campaign_invite(campaign=campaign)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "invitations": created,
        "seconds": elapsed,
        "cpu_s": cpu,
        "queries": len(queries),
        "at": time.time(),
    }


def outbox_status(campaign) -> Counter:
    from django.db.models import Count

    from hrdd.notifications.models import OutboundEmail

    rows = OutboundEmail.objects.filter(campaign=campaign).values_list("status")
    return Counter(dict(rows.annotate(Count("pk")).order_by()))


def check_delivery(campaign, sink: SMTPSink) -> dict:
    """Compare what the SMTP server accepted (by Message-ID) with the campaign's outbox."""
    from django.db.models import Sum

    from hrdd.notifications.models import OutboundEmail
    from hrdd.notifications.outbox import _mail_domain

    rows = OutboundEmail.objects.filter(campaign=campaign)
    expected = {f"outbox-{pk}@{_mail_domain()}" for pk in rows.values_list("pk", flat=True)}
    received = Counter(message_id for _at, message_id in sink.received())
    status = outbox_status(campaign)
    lost = sorted(int(m.split("@")[0].removeprefix("outbox-")) for m in expected - set(received))
    return {
        "lost_rows": [
            {"pk": pk, "status": st, "attempts": at, "sent_at": sent_at.timestamp()}
            for pk, st, at, sent_at in rows.filter(pk__in=lost[:20]).values_list(
                "pk", "status", "attempts", "sent_at"
            )
        ],
        "queued": len(expected),
        "received": sum(received.values()),
        "delivered": len(expected & set(received)),
        "duplicates": sum(n - 1 for n in received.values() if n > 1),
        "lost": len(expected - set(received)),
        "unexpected": len(set(received) - expected),
        "status": dict(status),
        "sent_with_retries": rows.filter(attempts__gt=1).count(),
        "failed_attempts": (rows.aggregate(n=Sum("attempts"))["n"] or 0) - len(expected),
    }


def print_check(check: dict) -> bool:
    ok = (
        check["delivered"] == check["queued"]
        and check["duplicates"] == 0
        and check["lost"] == 0
        and check["unexpected"] == 0
        and check["status"] == {"sent": check["queued"]}
    )
    print(
        f"  checked: {check['queued']:,} queued, {check['received']:,} accepted by the SMTP "
        f"server, {check['delivered']:,} distinct Message-IDs delivered, "
        f"duplicates = {check['duplicates']}, lost = {check['lost']}, "
        f"unexpected = {check['unexpected']}"
    )
    print(f"  outbox rows by status: {check['status']}  -> {'OK' if ok else 'FAILED'}")
    for row in check["lost_rows"]:
        print(f"  lost: {row}")
    return ok


def machine_info(database: str, postgres_url: str) -> list[tuple[str, str]]:
    import sqlite3

    import django

    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    info = [
        ("date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("machine", f"{os.cpu_count()} cores, {cpu}"),
        ("python / django", f"{platform.python_version()} / {django.get_version()}"),
    ]
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{postgres_url}/postgres") as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        info.append(("database", f"PostgreSQL {version}"))
    else:
        info.append(("database", f"SQLite {sqlite3.sqlite_version} (WAL)"))
    load = os.getloadavg()
    info.append(("load average (1/5/15 min)", " / ".join(f"{x:.2f}" for x in load)))
    return info


# --- The benchmark -------------------------------------------------------------------------


def bench(args, workdir: Path) -> dict:
    redis = PrivateRedis(workdir) if args.tasks == "rq" else contextlib.nullcontext()
    with ScratchDatabase(args.database, workdir, keep=args.keep) as db, redis:
        sink = SMTPSink(workdir)
        env = settings_env(
            database_url=db.url,
            var_dir=workdir,
            smtp_port=sink.port,
            tasks=args.tasks,
            redis_url=redis.url if args.tasks == "rq" else "",
            EMAIL_BATCH_SIZE=args.batch_size,
        )
        setup_django(env)
        for name, value in machine_info(args.database, args.postgres_url):
            print(f"  {name}: {value}")
        started = time.perf_counter()
        campaign = make_campaign(args.suppliers)
        elapsed = time.perf_counter() - started
        print(f"  data: 1 buyer, {args.suppliers:,} suppliers in {elapsed:.1f} s")

        sink.start()
        workers = [Worker(args.tasks, env, workdir / f"worker{i}.log") for i in range(args.workers)]
        for worker in workers:
            worker.start()
        time.sleep(2)  # the workers are up and idle, as in production, before the launch

        result = {"launch": launch(campaign)}
        n = result["launch"]["invitations"]

        def done() -> bool:
            return outbox_status(campaign).get("sent", 0) >= n or sink.count() >= n

        try:
            wait_until(done, timeout=max(120, n / 20), every=0.25, what="delivery")
        finally:
            time.sleep(1)  # anything arriving twice would arrive now
            for worker in workers:
                worker.stop()
            sink.stop()
        check = check_delivery(campaign, sink)
        times = sorted(at for at, _id in sink.received())
        if any(w.process is not None for w in workers):
            raise RuntimeError("a worker did not stop")
        committed = result["launch"]["at"]
        result["delivery"] = {
            "messages": len(times),
            "first_after_s": times[0] - committed,
            "last_after_s": times[-1] - committed,
            "rate_end_to_end": len(times) / (times[-1] - committed),
            "rate_sending": (len(times) - 1) / (times[-1] - times[0]),
            "worker_cpu_s": sum(w.cpu_s for w in workers),
            "sink_cpu_s": sink.cpu_s,
        }
        result["check"] = check
        failed = [w for w in workers if "Traceback" in w.output()]
        result["worker_errors"] = [w.output()[-3000:] for w in failed]
        return result


def report(args, r: dict) -> bool:
    launch_, d = r["launch"], r["delivery"]
    ok = True
    print(f"\n(a) campaign_invite, {launch_['invitations']:,} invitations queued")
    target = launch_["seconds"] < 5 * launch_["invitations"] / 10_000
    ok &= target
    print(
        f"  {launch_['seconds']:.2f} s ({launch_['cpu_s']:.2f} s CPU) in one transaction, "
        f"{launch_['queries']} SQL queries "
        f"(target < 5 s for 10,000: {'met' if target else 'MISSED'})"
    )
    workers = f"{args.workers} {'RQ' if args.tasks == 'rq' else 'db_worker'} worker" + (
        "s" if args.workers > 1 else ""
    )
    print(
        f"\n(b) delivery to a local SMTP server, {workers}, batches of {args.batch_size}, "
        "no rate limit"
    )
    print(
        f"  first message {d['first_after_s']:.2f} s after the launch committed, "
        f"last {d['last_after_s']:.1f} s after"
    )
    target = d["rate_end_to_end"] >= 100
    ok &= target
    print(
        f"  {d['rate_end_to_end']:.0f} messages/s from the launch to the last message "
        f"(target >= 100/s: {'met' if target else 'MISSED'}); "
        f"{d['rate_sending']:.0f} messages/s from the first to the last"
    )
    n = d["messages"] or 1
    print(
        f"  CPU: workers {d['worker_cpu_s']:.1f} s ({1000 * d['worker_cpu_s'] / n:.2f} ms a "
        f"message), SMTP server {d['sink_cpu_s']:.1f} s ({1000 * d['sink_cpu_s'] / n:.2f} ms)"
    )
    ok &= print_check(r["check"])
    if r["worker_errors"]:
        ok = False
        print("  worker errors:\n" + "\n".join(r["worker_errors"]))
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--tasks", choices=["db", "rq"], default="db")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=100, help="EMAIL_BATCH_SIZE")
    parser.add_argument("--keep", action="store_true", help="keep the database and the folder")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--sink", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        sink_main(int(args.sink[0]), args.sink[1])
        return
    workdir = Path(tempfile.mkdtemp(prefix="hrdd-delivery-"))
    print(
        f"Campaign launch and e-mail delivery: {args.suppliers:,} suppliers, {args.database}, "
        f"{'RQ' if args.tasks == 'rq' else 'database'} tasks"
    )
    try:
        result = bench(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"  kept: {workdir}")
    ok = report(args, result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
