"""Benchmark: building a yearly statement for a buyer with 10,000 suppliers.

    DEBUG=1 .venv/bin/python bench/statement.py                         # SQLite, a temp file
    DEBUG=1 .venv/bin/python bench/statement.py --suppliers 2000 --runs 3
    DATABASE_URL=postgres://... DEBUG=1 .venv/bin/python bench/statement.py

Target (issue 18): a statement built in under 5 s. One buyer with N suppliers in 30
countries, ranked (10 % high, 30 % medium); 2 × N findings over two years, a plan for most,
a fifth closed; four campaigns this year (two confidential, two disclosed), each inviting
every supplier, with a third of them answered; a grievance channel with 200 cases; twelve
meetings with stakeholders, flagged for the statement.

Measured, median of --runs after a warm-up, in the same run:
- baseline: a plain `COUNT(*)` of the buyer's suppliers;
- `figures.gather` (every figure of the year and of the year before);
- `services.statement_save` (gather + a new version), the builder page, the DOCX and the PDF.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = (
    "VN TH JP CN IN BD KH MM ID MY PH LK PK TR MX BR ET KE EG MA PE CO GT HN NP LA US DE IT PL"
)


def setup(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'statement.sqlite3'}")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["VAR_DIR"] = str(workdir)
    import django

    django.setup()


def prepare(n: int, user):  # noqa: PLR0915 - one straight recipe
    from django.db import connection
    from django.utils import timezone

    from hrdd.campaigns.models import Campaign
    from hrdd.grievances.models import Case
    from hrdd.invitations.models import Invitation
    from hrdd.organisations.models import Membership, Organisation
    from hrdd.remediation.models import TOPICS, CorrectiveActionPlan, Finding
    from hrdd.responses.models import Response
    from hrdd.suppliers.models import Supplier
    from hrdd.testing import world
    from hrdd.testing.grievances import channel
    from hrdd.testing.statements import engagement, ranking

    rng = random.Random(2026)
    countries = COUNTRIES.split()
    org = Organisation.objects.create(
        name="Bench Buyer", kind=Organisation.Kind.BUYER, plan=Organisation.Plan.PAID
    )
    # The pages are read by a viewer (an owner would be asked for a second factor); the
    # grievance channel needs an owner or admin as its handler.
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.VIEWER)
    owner = world.member(org, "owner@bench.example", Membership.Role.OWNER)
    Supplier.objects.bulk_create(
        [
            Supplier(
                organisation=org,
                name=f"Supplier {i:05d}",
                country=rng.choice(countries),
                email=f"s{i}@bench.example",
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    suppliers = list(Supplier.objects.filter(organisation=org).values_list("pk", "country"))
    levels = [(pk, "high" if i % 10 == 0 else "medium" if i % 10 < 4 else "low")
              for i, (pk, _c) in enumerate(suppliers)]  # fmt: skip
    ranking(org, levels)
    world.policy_document(org, by=user)
    world.policy_document(org, by=user, kind="code", title="Supplier code")

    now = timezone.now()
    year_start = datetime(now.year, 1, 1, tzinfo=timezone.get_current_timezone())
    findings = []
    for i in range(2 * n):
        supplier_id, country = rng.choice(suppliers)
        created = now - timedelta(days=rng.randint(0, 700))
        closed = rng.random() < 0.2
        days = rng.randint(1, 120)
        findings.append(
            Finding(
                organisation=org,
                supplier_id=supplier_id,
                country=country,
                source="observation",
                topic=rng.choice(list(TOPICS)),
                severity=rng.choice(["priority", "major", "minor"]),
                title=f"Finding {i}",
                evidence="Seen on the visit.",
                observed_on=created.date(),
                status=Finding.Status.CLOSED if closed else Finding.Status.REQUESTED,
                created_at=created,
                closed_at=created + timedelta(days=days) if closed else None,
                days_to_close=days if closed else None,
            )
        )
    Finding.objects.bulk_create(findings, batch_size=5000)
    CorrectiveActionPlan.objects.bulk_create(
        [
            CorrectiveActionPlan(
                finding_id=pk,
                email="s@bench.example",
                language="en",
                due_on=(created + timedelta(days=14)).date(),
                opened_at=created,
                accepted_at=created + timedelta(days=10) if pk % 2 else None,
            )
            for pk, created in Finding.objects.filter(organisation=org).values_list(
                "pk", "created_at"
            )
            if pk % 5
        ],
        batch_size=5000,
    )

    version = world.crisis_version()
    for number in range(4):
        campaign = world.crisis_campaign(org, version=version, name=f"Campaign {number}")
        Campaign.objects.filter(pk=campaign.pk).update(
            opens_at=year_start + timedelta(days=30 * number),
            closes_at=year_start + timedelta(days=30 * number + 28),
            mode=Campaign.Mode.DISCLOSED if number % 2 else Campaign.Mode.CONFIDENTIAL,
        )
        answered = [pk for pk, _c in suppliers if rng.random() < 0.33]
        Response.objects.bulk_create(
            [
                Response(
                    campaign=campaign,
                    status=Response.Status.SUBMITTED,
                    language="en",
                    code_hash=f"{number}-{pk}",
                    submitted_at=now,
                )
                for pk in answered
            ],
            batch_size=5000,
        )
        Invitation.objects.bulk_create(
            [
                Invitation(campaign=campaign, supplier_id=pk, email="s@bench.example", send_count=1)
                for pk, _c in suppliers
            ],
            batch_size=5000,
        )
    made = channel(org, owner)
    Case.objects.bulk_create(
        [
            Case(
                channel=made,
                language="en",
                received_at=(received := now - timedelta(days=rng.randint(0, 700))),
                closed_at=received + timedelta(days=20) if i % 2 else None,
                receipt_lookup=f"bench-{i}",
                receipt_salt=b"",
                receipt_locked_key=b"",
                content=b"",
            )
            for i in range(200)
        ]
    )
    for i in range(12):
        engagement(org, user, title=f"Meeting {i}", held_on=date(now.year, 1 + i % 11, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    return org


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
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hrdd-statement-") as tmp:
        setup(Path(tmp))
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from hrdd.accounts.models import User
        from hrdd.statements import render
        from hrdd.statements.figures import gather
        from hrdd.statements.services import statement_create, statement_save
        from hrdd.suppliers.models import Supplier

        call_command("migrate", verbosity=0)
        user = User.objects.create_user(email="bench@bench.example", password=None)
        started = time.perf_counter()
        org = prepare(args.suppliers, user)
        made = time.perf_counter() - started
        year = timezone.localdate().year
        client = Client()
        client.force_login(user)
        statement = statement_create(organisation=org, year=year, framework="uk_msa", by=user)
        print(f"{connection.vendor}: {args.suppliers:,} suppliers, statement for {year} "
              f"(data made in {made:.1f} s), median of {args.runs}")  # fmt: skip
        print(f"load average (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
        figures = gather(organisation=org, year=year)
        for key, block in figures["blocks"].items():
            for entry in block["items"][:6]:
                print(f"  [{key}] {render.sentence(entry['code'], entry['params'])[:110]}")
            if block["missing"]:
                print(f"  [{key}] missing: {block['missing']}")
        builder = reverse("statements:builder", args=[org.pk, statement.pk])
        docx = reverse("statements:export_docx", args=[org.pk, statement.pk, 1])
        pdf = reverse("statements:export_pdf", args=[org.pk, statement.pk, 1])
        for url in (builder, docx, pdf):
            status = client.get(url).status_code
            assert status == 200, f"{url}: {status}"
        base = timed(lambda: Supplier.objects.filter(organisation=org).count(), args.runs)
        measures = {
            "COUNT(*) of suppliers (baseline)": lambda: Supplier.objects.filter(
                organisation=org
            ).count(),
            "figures.gather": lambda: gather(organisation=org, year=year),
            "statement_save (a new version)": lambda: statement_save(
                statement=statement, texts={"training": "All buyers trained."}, by=user
            ),
            "builder page": lambda: client.get(builder),
            "DOCX export": lambda: client.get(docx),
            "PDF export, Japanese": lambda: client.get(pdf, {"language": "ja"}),
        }
        for name, function in measures.items():
            seconds = timed(function, args.runs)
            print(f"  {name:<34} {seconds * 1000:8.1f} ms (target < 5000)"
                  f"  ratio to the baseline {seconds / base:9.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
