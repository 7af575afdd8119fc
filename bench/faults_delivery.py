"""Fault scripts for e-mail delivery: the mail server goes away, workers are killed.

    .venv/bin/python bench/faults_delivery.py outage     # fault 3: SMTP outage during a launch
    .venv/bin/python bench/faults_delivery.py kill       # fault 4: workers killed mid-batch

Each run makes its own database (SQLite file in a temporary folder, or `--database postgres`),
a buyer with `--invitations` suppliers (5,000), launches a campaign with `campaign_invite` and
lets real worker processes (`manage.py db_worker`) deliver to a local SMTP server in a process
of its own (bench/delivery.py's sink, which records the Message-ID of every message it
accepts). At the end every message must have arrived exactly once: counted by Message-ID at the
server, compared with the outbox rows.

outage: the SMTP server is down at the launch, comes back after `--outage` seconds, is stopped
    again when 40 % of the messages have arrived (as a mail server stops for maintenance: it
    stops listening, finishes the message it is receiving and answers 421 to the next one;
    `--hard` kills it instead) and comes back after `--outage` seconds. Messages fail
    temporarily, are retried with backoff (EMAIL_RETRY_BASE_SECONDS, 1 s here instead of 60)
    and are all delivered once the server is back. Each outage (40 s) is longer than the
    whole backoff schedule of EMAIL_MAX_ATTEMPTS = 6 attempts (31 s here, 31 minutes with the
    defaults): an unreachable server must not fail messages for good.
kill: workers are killed with SIGKILL at random moments while they deliver, `--kills` times,
    and started again; part of the time a second worker runs too. Messages held by a killed
    worker go back to the queue after EMAIL_CLAIM_TIMEOUT (3 s here instead of 300), by the
    watchdog run every batch schedules; a message killed in the middle of its SMTP dialogue,
    before the commit point, was discarded by the server and is sent again.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from delivery import (
    POSTGRES_URL,
    ScratchDatabase,
    SMTPSink,
    Worker,
    check_delivery,
    launch,
    machine_info,
    make_campaign,
    outbox_status,
    print_check,
    settings_env,
    setup_django,
    wait_until,
)

RECOVERED = re.compile(r"(\d+) e-mails held by a stopped worker were put back in the queue")


class Clock:
    """Prints events with the seconds since the launch."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self, event: str) -> None:
        print(f"  {time.monotonic() - self.start:6.1f} s  {event}", flush=True)


def busy(worker: Worker) -> bool:
    """Is the worker in the middle of a task (its log says a task started, not that it ended)?"""
    if not worker.running:
        return False
    states = re.findall(r"state=(\w+)", worker.logs[-1].read_text(errors="replace"))
    return bool(states) and states[-1] == "RUNNING"


class Overlap:
    """How long two workers ran at once (time from an update to the next)."""

    def __init__(self, *workers: Worker) -> None:
        self.workers, self.seconds, self.since = workers, 0.0, None

    def update(self) -> None:
        now = time.monotonic()
        if self.since is not None:
            self.seconds += now - self.since
        self.since = now if all(w.running for w in self.workers) else None


def recovered(workers: list[Worker]) -> int:
    return sum(int(n) for w in workers for n in RECOVERED.findall(w.output()))


def prepare(args, workdir: Path, db, sink: SMTPSink, **settings):
    env = settings_env(
        database_url=db.url, var_dir=workdir, smtp_port=sink.port, tasks="db", **settings
    )
    setup_django(env)
    for name, value in machine_info(args.database, args.postgres_url):
        print(f"  {name}: {value}")
    print("  settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    return env, make_campaign(args.invitations)


def finish(campaign, sink: SMTPSink, workers: list[Worker], timeout: float) -> None:
    """Wait until every message is sent (or failed for good), then stop everything."""
    n = sum(outbox_status(campaign).values())

    def settled() -> bool:
        status = outbox_status(campaign)
        return status.get("sent", 0) + status.get("failed", 0) >= n

    try:
        wait_until(settled, timeout=timeout, every=0.5, what="every message to be sent")
    finally:
        time.sleep(2)  # anything arriving twice would arrive now
        for worker in workers:
            worker.stop()
        sink.stop()


# --- Fault 3: SMTP outage during a launch ---------------------------------------------------


def outage(args, workdir: Path) -> bool:
    print(
        f"Fault 3: SMTP outage during a launch of {args.invitations:,} invitations, "
        f"{args.workers} worker(s), {args.database}"
    )
    with ScratchDatabase(args.database, workdir, postgres_url=args.postgres_url) as db:
        sink = SMTPSink(workdir)
        env, campaign = prepare(
            args,
            workdir,
            db,
            sink,
            EMAIL_RETRY_BASE_SECONDS=args.retry_base,
            EMAIL_MAX_ATTEMPTS=args.max_attempts,
            EMAIL_BATCH_SIZE=100,
        )
        workers = [Worker("db", env, workdir / f"worker{i}.log") for i in range(args.workers)]
        for worker in workers:
            worker.start()
        time.sleep(2)
        peak = {"retrying": 0}

        def sample() -> dict:
            status = outbox_status(campaign)
            peak["retrying"] = max(peak["retrying"], status.get("retrying", 0))
            return status

        def watch(seconds: float) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                sample()
                time.sleep(0.5)

        clock = Clock()
        clock("SMTP server down; launch")
        n = launch(campaign)["invitations"]
        clock(f"{n:,} invitations queued")
        watch(args.outage)
        clock(f"SMTP server up: so far {dict(sample())}")
        sink.start()
        wait_until(
            lambda: bool(sample()) and sink.count() >= 0.4 * n,
            timeout=600,
            every=0.1,
            what="40 % of the messages",
        )
        sink.stop(hard=args.hard)
        clock(
            f"SMTP server {'killed' if args.hard else 'stopped'} mid-delivery after "
            f"{sink.count():,} messages"
        )
        watch(args.outage)
        clock(f"SMTP server up again: so far {dict(sample())}")
        sink.start()
        finish(campaign, sink, workers, timeout=max(600, n / 10))
        clock("every message sent; workers and server stopped")
        check = check_delivery(campaign, sink)

    print(
        f"\n  queued {check['queued']:,}; failed temporarily at least once: "
        f"{check['sent_with_retries']:,} messages ({check['failed_attempts']:,} failed "
        f"attempts; at most {peak['retrying']:,} shown as 'failed temporarily' at once, the "
        f"others waiting in the queue); failed permanently: {check['status'].get('failed', 0)}"
    )
    ok = print_check(check)
    errors = [w.output() for w in workers if "Traceback" in w.output()]
    if errors:
        print("  worker errors:\n" + errors[0][-3000:])
    return ok and not errors


# --- Fault 4: workers killed mid-batch ---------------------------------------------------------


def kill(args, workdir: Path) -> bool:
    print(
        f"Fault 4: workers killed (SIGKILL) mid-batch, {args.kills} times, "
        f"{args.invitations:,} invitations, {args.database}, seed {args.seed}"
    )
    rng = random.Random(args.seed)
    with ScratchDatabase(args.database, workdir, postgres_url=args.postgres_url) as db:
        sink = SMTPSink(workdir)
        env, campaign = prepare(
            args,
            workdir,
            db,
            sink,
            EMAIL_CLAIM_TIMEOUT=args.claim_timeout,
            EMAIL_RETRY_BASE_SECONDS=1,
            EMAIL_BATCH_SIZE=args.batch_size,
        )
        sink.start()
        first, second = (Worker("db", env, workdir / f"worker{i}.log") for i in (1, 2))
        workers = [first, second]
        first.start()
        time.sleep(2)
        clock = Clock()
        n = launch(campaign)["invitations"]
        clock(f"{n:,} invitations queued, worker 1 running")
        both = Overlap(first, second)
        kill_times: list[float] = []

        def everything_sent() -> bool:
            return outbox_status(campaign).get("sent", 0) >= n

        while first.kills + second.kills < args.kills and not everything_sent():
            # A random moment while a worker is in the middle of a delivery run.
            wait_until(
                lambda: everything_sent() or any(busy(w) for w in workers),
                timeout=120,
                every=0.1,
                what="a worker delivering",
            )
            time.sleep(rng.uniform(0.1, 1.5))
            candidates = [w for w in workers if busy(w)]
            if not candidates:
                continue
            victim = rng.choice(candidates)
            name = "worker 1" if victim is first else "worker 2"
            received = sink.count()
            victim.kill()
            kill_times.append(time.time())
            both.update()
            clock(f"killed {name} mid-batch ({received:,} messages received so far)")
            time.sleep(rng.uniform(0, 1))
            if victim is second and first.running and rng.random() < 0.5:
                clock("worker 2 left stopped")
            else:
                victim.start()
                clock(f"{name} started again")
            if not second.running and rng.random() < 0.5:
                second.start()
                clock("worker 2 started: two workers at once")
            both.update()
        if everything_sent():
            clock(f"everything sent after {first.kills + second.kills} kills")
        finish(campaign, sink, workers, timeout=max(600, n / 10))
        both.update()
        clock("every message sent; workers and server stopped")
        check = check_delivery(campaign, sink)
        put_back = recovered(workers)

    kills = first.kills + second.kills
    print(
        f"\n  queued {check['queued']:,}; {kills} workers killed, {first.starts + second.starts} "
        f"worker starts, two workers at once for about {both.seconds:.0f} s"
    )
    print(
        f"  put back in the queue by the stale-claim recovery (watchdog runs): {put_back:,} "
        f"messages; interrupted during their SMTP dialogue and sent again: "
        f"{check['sent_with_retries']:,}"
    )
    ok = print_check(check)
    for row in check["lost_rows"]:
        nearest = min(kill_times, key=lambda t: abs(t - row["sent_at"]), default=None)
        if nearest is not None:
            print(
                f"  lost message {row['pk']}: its sending began "
                f"{nearest - row['sent_at']:.4f} s before a kill"
            )
    errors = [w.output() for w in workers if "Traceback" in w.output()]
    if errors:
        print("  worker errors:\n" + errors[0][-3000:])
    return ok and not errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("fault", choices=["outage", "kill"])
    parser.add_argument("--invitations", type=int, default=5000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    outage_ = parser.add_argument_group("outage")
    outage_.add_argument("--workers", type=int, default=1)
    outage_.add_argument("--outage", type=float, default=40, help="seconds down, each time")
    outage_.add_argument("--retry-base", type=int, default=1, help="EMAIL_RETRY_BASE_SECONDS")
    outage_.add_argument("--max-attempts", type=int, default=6, help="EMAIL_MAX_ATTEMPTS")
    outage_.add_argument("--hard", action="store_true", help="SIGKILL the SMTP server")
    kill_ = parser.add_argument_group("kill")
    kill_.add_argument("--kills", type=int, default=8)
    kill_.add_argument("--claim-timeout", type=int, default=3, help="EMAIL_CLAIM_TIMEOUT")
    kill_.add_argument("--batch-size", type=int, default=50, help="EMAIL_BATCH_SIZE")
    kill_.add_argument("--seed", type=int, default=int(time.time()) % 10_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix=f"hrdd-fault-{args.fault}-"))
    try:
        ok = (outage if args.fault == "outage" else kill)(args, workdir)
    finally:
        if args.keep:
            print(f"  kept: {workdir}")
        else:
            with contextlib.suppress(OSError):
                shutil.rmtree(workdir)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
