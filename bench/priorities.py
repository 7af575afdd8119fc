"""Benchmark: scoring and ranking a buyer's 100,000 suppliers across 5 tiers, and the page.

    DEBUG=1 .venv/bin/python bench/priorities.py                      # both databases
    DEBUG=1 .venv/bin/python bench/priorities.py --suppliers 10000 --database sqlite

Targets (the risk issue): scoring and ranking 100,000 suppliers under 10 s on SQLite and
PostgreSQL, the ranked page under 200 ms, memory under 300 MB.

Per database, in fresh processes (so each peak memory is that phase's own):
1. prepare: migrate, load the shipped reference data, compute the assessment, then make one
   buyer with N suppliers, a fifth per tier (1-5), each tier-n+1 supplier linked to a tier-n
   one, a fifth of them with one or two sites; countries, industries, goods (listed and
   not), sizes and spend drawn with a fixed seed;
2. rank: `ranking.priorities_compute` (what the task worker runs), median of --runs, with
   the process's peak RSS; baseline: reading the same rows alone
   (`suppliers.selectors.scoring_rows`), which no ranking can beat;
3. page: the ranked page (first page, page 1,000, filtered by level, by tier) through
   Django's test client, median of 20 after a warm-up; baseline: the supplier list page
   over the same 100,000 suppliers.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "RESULT "


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def prepare(n: int) -> dict:
    setup()
    from django.core.management import call_command
    from django.db import connection

    from hrdd.organisations.models import Organisation
    from hrdd.reference import selectors as reference
    from hrdd.risk.services import assessment_compute
    from hrdd.suppliers.models import Site, Supplier, SupplierLink

    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assessment_compute()
    rng = random.Random(2026)
    countries = sorted(
        {
            r["country_iso2"]
            for r in reference.edition_rows(reference.current_editions()["wgi"])
            if r["country_iso2"]
        }
    )
    goods = sorted(
        {r["good"] for r in reference.edition_rows(reference.current_editions()["tvpra"])}
    )
    unlisted = ["buttons", "zippers", "cardboard", "software", "steel tubes", "paint"]
    industries = ["apparel", "electronics", "food", "agriculture", "automotive", "", "other"]
    sizes = ["1-9", "10-49", "50-249", "250-999", "1000+", ""]
    org = Organisation.objects.create(name="Bench Buyer", kind=Organisation.Kind.BUYER)
    started = time.perf_counter()
    per_tier = n // 5
    batch = []
    for i in range(n):
        kind = rng.random()
        written = (
            "; ".join(rng.sample(goods, 2))
            if kind < 0.5
            else rng.choice(unlisted)
            if kind < 0.7
            else ""
        )
        batch.append(
            Supplier(
                organisation=org,
                name=f"Supplier {i:06d}",
                country=rng.choice(countries),
                industry=rng.choice(industries),
                size_band=rng.choice(sizes),
                spend_band=rng.choice(["low", "medium", "high", ""]),
                tier=min(5, i // per_tier + 1),
                goods=written,
                email=f"s{i}@bench.example",
            )
        )
    Supplier.objects.bulk_create(batch, batch_size=5000)
    del batch
    ids_by_tier: dict[int, list[int]] = {}
    for pk, tier in Supplier.objects.filter(organisation=org).values_list("pk", "tier"):
        ids_by_tier.setdefault(tier, []).append(pk)
    links, sites = [], []
    for tier in range(2, 6):
        for pk in ids_by_tier.get(tier, []):
            links.append(
                SupplierLink(
                    organisation=org, supplier_id=pk, customer_id=rng.choice(ids_by_tier[tier - 1])
                )
            )
    SupplierLink.objects.bulk_create(links, batch_size=5000)
    for tier_ids in ids_by_tier.values():
        for pk in tier_ids:
            if rng.random() < 0.2:
                for s in range(rng.choice([1, 2])):
                    sites.append(
                        Site(
                            supplier_id=pk,
                            name=f"Site {pk}-{s}",
                            country=rng.choice(countries),
                            goods=rng.choice(goods) if rng.random() < 0.5 else "",
                        )
                    )
    Site.objects.bulk_create(sites, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    return {
        "organisation": org.pk,
        "suppliers": n,
        "links": len(links),
        "sites": len(sites),
        "make_s": round(time.perf_counter() - started, 1),
    }


def rank(organisation_id: int, runs: int) -> dict:
    setup()
    from hrdd.organisations.models import Organisation
    from hrdd.risk import ranking
    from hrdd.risk.models import PriorityRun
    from hrdd.risk.selectors import latest_assessment
    from hrdd.suppliers.selectors import scoring_rows

    org = Organisation.objects.get(pk=organisation_id)

    def read() -> None:
        for _row in scoring_rows(organisation_id=organisation_id):
            pass

    def compute() -> None:
        run = PriorityRun.objects.create(organisation=org, assessment=latest_assessment())
        ranking.priorities_compute(run=run)

    baseline, timings = [], []
    read()
    for _ in range(runs):
        t = time.perf_counter()
        read()
        baseline.append(time.perf_counter() - t)
        t = time.perf_counter()
        compute()
        timings.append(time.perf_counter() - t)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "read_s": statistics.median(baseline),
        "rank_s": statistics.median(timings),
        "rank_range": [min(timings), max(timings)],
        "peak_rss_mb": peak_mb,
    }


def page(organisation_id: int) -> dict:
    setup()
    from django.test import Client
    from django.urls import reverse

    from hrdd.accounts.models import User
    from hrdd.organisations.models import Membership, Organisation

    org = Organisation.objects.get(pk=organisation_id)
    user = User.objects.create_user(email="bench@bench.example", password=None)
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.VIEWER)
    client = Client()
    client.force_login(user)
    ranked = reverse("risk:priorities", args=[org.pk])
    pages = {
        "ranked page 1": (ranked, {}),
        "ranked page 1000": (ranked, {"page": 1000}),
        "ranked, level high": (ranked, {"level": "high"}),
        "ranked, tier 5": (ranked, {"tier": 5}),
        "supplier list page 1 (baseline)": (reverse("suppliers:list", args=[org.pk]), {}),
    }
    out = {}
    for name, (url, params) in pages.items():
        response = client.get(url, params)
        assert response.status_code == 200, (name, response.status_code)
        times = []
        for _ in range(20):
            t = time.perf_counter()
            client.get(url, params)
            times.append(time.perf_counter() - t)
        out[name] = statistics.median(times)
    return out


def run_database(database: str, args, workdir: Path) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(workdir))
    env.setdefault("DEBUG", "1")
    env["ALLOWED_HOSTS"] = "testserver,localhost"
    name = "hrdd_bench_priorities"
    if database == "postgres":
        import psycopg

        with psycopg.connect(args.postgres_url + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"{args.postgres_url}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'priorities.sqlite3'}"

    def phase(*extra: str) -> dict:
        command = [sys.executable, __file__, *extra]
        out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        line = next(x for x in out.stdout.splitlines() if x.startswith(PREFIX))
        return json.loads(line[len(PREFIX) :])

    prepared = phase("--phase", "prepare", "--suppliers", str(args.suppliers))
    org = str(prepared["organisation"])
    ranked = phase("--phase", "rank", "--organisation", org, "--runs", str(args.runs))
    pages = phase("--phase", "page", "--organisation", org)
    if database == "postgres":
        import psycopg

        with psycopg.connect(args.postgres_url + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
    return {"prepared": prepared, "rank": ranked, "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--phase", choices=["prepare", "rank", "page"], help=argparse.SUPPRESS)
    parser.add_argument("--organisation", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "prepare":
        print(PREFIX + json.dumps(prepare(args.suppliers)), flush=True)
        return
    if args.phase == "rank":
        print(PREFIX + json.dumps(rank(args.organisation, args.runs)), flush=True)
        return
    if args.phase == "page":
        print(PREFIX + json.dumps(page(args.organisation)), flush=True)
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(f"Prioritisation of {args.suppliers:,} suppliers in 5 tiers, median of {args.runs}")
    print(f"load average (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="hrdd-priorities-") as tmp:
        for database in databases:
            r = run_database(database, args, Path(tmp))
            p, k = r["prepared"], r["rank"]
            print(
                f"\n{database}: {p['suppliers']:,} suppliers, {p['links']:,} links, "
                f"{p['sites']:,} sites (made in {p['make_s']} s)"
            )
            print(
                f"  score + rank + store: {k['rank_s']:.2f} s "
                f"(range {k['rank_range'][0]:.2f}-{k['rank_range'][1]:.2f}; target < 10 s); "
                f"baseline, reading the rows: {k['read_s']:.2f} s; "
                f"ratio {k['rank_s'] / k['read_s']:.1f}x"
            )
            print(f"  peak memory (RSS of the process): {k['peak_rss_mb']:.0f} MB (target < 300)")
            base = r["pages"]["supplier list page 1 (baseline)"]
            for name, seconds in r["pages"].items():
                print(
                    f"  {name:<34} {seconds * 1000:7.1f} ms (target < 200)"
                    f"  ratio to the supplier list {seconds / base:4.2f}x"
                )


if __name__ == "__main__":
    main()
