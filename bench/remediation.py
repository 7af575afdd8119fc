"""Benchmark: the findings dashboard over 50,000 findings and 200,000 actions.

    DEBUG=1 .venv/bin/python bench/remediation.py                       # SQLite, a temp file
    DEBUG=1 .venv/bin/python bench/remediation.py --findings 5000 --actions-per-plan 4
    DATABASE_URL=postgres://... DEBUG=1 .venv/bin/python bench/remediation.py
    DATABASE_URL=postgres://... DEBUG=1 .venv/bin/python bench/remediation.py --reuse  # again

Target (issue 16): the findings dashboard under 300 ms. One buyer with 2,000 suppliers in
30 countries; N findings with severities, topics and statuses drawn with a fixed seed; a
plan for every finding past "new", each with its actions (done, due or overdue) so that
the actions total 4 × the findings; a fifth of the findings closed after 1-120 days.

Measured, median of --runs after a warm-up, in the same run:
- baseline: a plain `COUNT(*)` of the buyer's findings (no aggregate can beat it);
- `selectors.dashboard` (every figure of the page: 3 GROUP BYs, overdue actions and plans,
  the median days to close), and the whole page and the CSV through Django's test client;
- the findings list's first page, and filtered by severity and country;
- the operator's overview across buyers (`selectors.operator_overview`: three GROUP BYs
  by buyer and supplier, pooled through hrdd.policy).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'remediation.sqlite3'}")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["VAR_DIR"] = str(workdir)
    import django

    django.setup()


def prepare(findings: int, per_plan: int) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from hrdd.organisations.models import Organisation
    from hrdd.remediation.models import TOPICS, Action, CorrectiveActionPlan, Finding
    from hrdd.suppliers.models import Supplier

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    countries = ["VN", "TH", "JP", "CN", "IN", "BD", "KH", "MM", "ID", "MY", "PH", "LK", "PK"]
    countries += ["TR", "MX", "BR", "ET", "KE", "EG", "MA", "PE", "CO", "GT", "HN", "NP", "LA"]
    countries += ["US", "DE", "IT", "PL"]
    org = Organisation.objects.create(name="Bench Buyer", kind=Organisation.Kind.BUYER)
    Supplier.objects.bulk_create(
        [
            Supplier(
                organisation=org,
                name=f"Supplier {i:05d}",
                country=rng.choice(countries),
                email=f"s{i}@bench.example",
            )
            for i in range(2000)
        ],
        batch_size=2000,
    )
    suppliers = list(Supplier.objects.filter(organisation=org).values_list("pk", "country"))
    now = timezone.now()
    today = timezone.localdate()
    statuses = [s for s in Finding.Status.values if s != Finding.Status.NEW]
    rows = []
    for i in range(findings):
        supplier_id, country = rng.choice(suppliers)
        status = Finding.Status.NEW if rng.random() < 0.05 else rng.choice(statuses)
        created = now - timedelta(days=rng.randint(0, 400))
        closed = status == Finding.Status.CLOSED
        days = rng.randint(1, 120) if closed else None
        rows.append(
            Finding(
                organisation=org,
                supplier_id=supplier_id,
                country=country,
                source=rng.choice(["observation", "visit", "audit"]),
                topic=rng.choice(list(TOPICS)),
                severity=rng.choice(["priority", "major", "major", "minor", "minor"]),
                title=f"Finding {i}",
                evidence="Seen on the visit.",
                observed_on=created.date(),
                status=status,
                created_at=created,
                closed_at=created + timedelta(days=days) if closed else None,
                days_to_close=days,
            )
        )
    Finding.objects.bulk_create(rows, batch_size=5000)
    with_plan = list(
        Finding.objects.filter(organisation=org)
        .exclude(status=Finding.Status.NEW)
        .values_list("pk", "created_at")
    )
    CorrectiveActionPlan.objects.bulk_create(
        [
            CorrectiveActionPlan(
                finding_id=pk,
                email="s@bench.example",
                language="en",
                due_on=(created + timedelta(days=14)).date(),
                opened_at=created,
            )
            for pk, created in with_plan
        ],
        batch_size=5000,
    )
    plans = list(CorrectiveActionPlan.objects.filter(finding__organisation=org).values_list("pk"))
    # Spread the actions so that they total per_plan × findings.
    total = per_plan * findings
    actions = []
    for n in range(total):
        (cap_id,) = plans[n % len(plans)]
        actions.append(
            Action(
                organisation=org,
                cap_id=cap_id,
                position=n // len(plans) + 1,
                kind=rng.choice(["corrective", "preventive"]),
                description="Fix it",
                owner="Manager",
                due_on=today + timedelta(days=rng.randint(-60, 60)),
                status=rng.choice(["planned", "done"]),
            )
        )
        if len(actions) == 10_000:
            Action.objects.bulk_create(actions)
            actions = []
    Action.objects.bulk_create(actions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    return org.pk


def timed(function, runs: int) -> float:
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--actions-per-plan", type=int, default=4)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the data a previous run left in DATABASE_URL (made once, measured again)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hrdd-remediation-") as tmp:
        setup(Path(tmp))
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from hrdd.accounts.models import User
        from hrdd.organisations.models import Membership, Organisation
        from hrdd.remediation import selectors
        from hrdd.remediation.models import Action, Finding

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        kept = Organisation.objects.filter(name="Bench Buyer").first() if args.reuse else None
        org_id = kept.pk if kept else prepare(args.findings, args.actions_per_plan)
        made = time.perf_counter() - started
        org = Organisation.objects.get(pk=org_id)
        user, _new = User.objects.get_or_create(email="bench@bench.example")
        Membership.objects.get_or_create(
            user=user, organisation=org, defaults={"role": Membership.Role.VIEWER}
        )
        client = Client()
        client.force_login(user)
        print(f"{connection.vendor}: {Finding.objects.count():,} findings, "
              f"{Action.objects.count():,} actions (made in {made:.1f} s), "
              f"median of {args.runs}")  # fmt: skip
        print(f"load average (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
        base = timed(lambda: Finding.objects.filter(organisation=org).count(), args.runs)
        board = selectors.dashboard(organisation=org)
        print(f"  open {board.open_count:,}, overdue actions {board.overdue_actions:,}, "
              f"overdue plans {board.overdue_plans:,}, closed {board.closed_count:,}, "
              f"median days to close {board.median_days_to_close}")  # fmt: skip
        dash = reverse("remediation:dashboard", args=[org.pk])
        listed = reverse("remediation:list", args=[org.pk])
        measures = {
            "COUNT(*) of findings (baseline)": lambda: Finding.objects.filter(
                organisation=org
            ).count(),
            "selectors.dashboard": lambda: selectors.dashboard(organisation=org),
            "dashboard page": lambda: client.get(dash),
            "dashboard CSV": lambda: client.get(
                reverse("remediation:dashboard_export", args=[org.pk, "csv"])
            ),
            "operator overview (all buyers)": lambda: selectors.operator_overview(),
            "findings list, page 1": lambda: client.get(listed),
            "findings list, priority in VN": lambda: client.get(
                listed, {"severity": "priority", "country": "VN"}
            ),
        }
        for name, function in measures.items():
            seconds = timed(function, args.runs)
            print(f"  {name:<34} {seconds * 1000:8.1f} ms (target < 300)"
                  f"  ratio to the baseline {seconds / base:7.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
