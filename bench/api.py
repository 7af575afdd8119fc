"""Benchmark: the REST API over a buyer's 100,000 suppliers, and a bulk upsert of 10,000.

    DEBUG=1 .venv/bin/python bench/api.py                          # SQLite
    DEBUG=1 .venv/bin/python bench/api.py --database both          # and PostgreSQL
    DEBUG=1 .venv/bin/python bench/api.py --suppliers 10000 --rows 2000   # quick

Targets (issue 19): every page of the supplier list under 100 ms, a bulk upsert of 10,000
suppliers under 10 s, on SQLite and PostgreSQL.

Per database, in a fresh database and a fresh process:
1. prepare: migrate, one buyer with N suppliers (bulk insert, each with its reference);
2. pages: the whole list through GET /api/v1/suppliers/?page_size=100 (Django's test client
   with an API key, following `next` to the end): median, 95th percentile and slowest page;
   baseline: the same pages read through the ORM alone (same filter, order and size);
3. upsert: POST /api/v1/suppliers/bulk/ with ROWS rows, half changing existing suppliers
   (matched on reference), half new; baseline: inserting the same number of rows with
   bulk_create and no checks at all, which no upsert can beat.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "RESULT "
COUNTRIES = ["VN", "BD", "IN", "CN", "TH", "TR", "MX", "JP", "ID", "KH"]


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def run(n: int, rows: int) -> dict:
    setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from hrdd.api.models import Scope
    from hrdd.api.services import token_create
    from hrdd.organisations.models import Organisation
    from hrdd.suppliers.models import Supplier

    call_command("migrate", verbosity=0)
    org = Organisation.objects.create(name="Bench Buyer", kind=Organisation.Kind.BUYER)

    def supplier(i: int, organisation=org) -> Supplier:
        return Supplier(
            organisation=organisation,
            name=f"Supplier {i:06d}",
            country=COUNTRIES[i % len(COUNTRIES)],
            email=f"s{i}@bench.example",
            reference=f"R{i:06d}",
            tier=1 + i % 5,
        )

    started = time.perf_counter()
    Supplier.objects.bulk_create((supplier(i) for i in range(n)), batch_size=1000)
    made = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _token, secret = token_create(
        organisation=org, name="bench", scopes=Scope.values, days=1, by=None
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    # Pages through the API, to the end; then the same pages through the ORM.
    url, times, count = "/api/v1/suppliers/?page_size=100", [], 0
    client.get(url)  # warm-up
    while url:
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, response.content[:300]
        page = response.json()
        count += len(page["results"])
        url = page["next"]
    assert count == n, (count, n)
    baseline, last = [], 0
    while True:
        t = time.perf_counter()
        ids = list(
            Supplier.objects.filter(organisation=org, id__gt=last).order_by("id").values()[:101]
        )
        baseline.append(time.perf_counter() - t)
        if len(ids) <= 100:
            break
        last = ids[99]["id"]

    # The bulk upsert: half existing references changed, half new.
    half = rows // 2
    body = [
        {"reference": f"R{i:06d}", "name": f"Supplier {i:06d} Ltd", "contact_name": "Ms Lan"}
        for i in range(half)
    ] + [
        {
            "reference": f"N{i:06d}",
            "name": f"New {i:06d}",
            "country": "VN",
            "email": f"new{i}@bench.example",
        }
        for i in range(rows - half)
    ]
    payload = json.dumps({"suppliers": body})
    t = time.perf_counter()
    response = client.post("/api/v1/suppliers/bulk/", payload, content_type="application/json")
    upsert_s = time.perf_counter() - t
    assert response.status_code == 200, response.content[:500]
    result = response.json()
    assert (result["updated"], result["created"]) == (half, rows - half), result
    other = Organisation.objects.create(name="Bench Baseline", kind=Organisation.Kind.BUYER)
    t = time.perf_counter()
    Supplier.objects.bulk_create((supplier(n + i, other) for i in range(rows)), batch_size=1000)
    insert_s = time.perf_counter() - t
    return {
        "database": connection.vendor,
        "suppliers": n,
        "make_s": round(made, 1),
        "pages": len(times),
        "page_median_s": statistics.median(times),
        "page_p95_s": sorted(times)[int(len(times) * 0.95) - 1],
        "page_max_s": max(times),
        "orm_median_s": statistics.median(baseline),
        "rows": rows,
        "upsert_s": upsert_s,
        "insert_s": insert_s,
    }


def run_database(database: str, args, workdir: Path) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(workdir))
    env.setdefault("DEBUG", "1")
    env["ALLOWED_HOSTS"] = "testserver,localhost"
    env["API_RATE"] = "1000000/minute"  # the figures are about the work, not the limit
    name = "hrdd_bench_api"
    if database == "postgres":
        import psycopg

        with psycopg.connect(args.postgres_url + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"{args.postgres_url}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'api.sqlite3'}"
    command = [sys.executable, __file__, "--phase", "run"]
    command += ["--suppliers", str(args.suppliers), "--rows", str(args.rows)]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if database == "postgres":
        import psycopg

        with psycopg.connect(args.postgres_url + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    line = next(x for x in out.stdout.splitlines() if x.startswith(PREFIX))
    return json.loads(line[len(PREFIX) :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--phase", choices=["run"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "run":
        print(PREFIX + json.dumps(run(args.suppliers, args.rows)), flush=True)
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(f"REST API: {args.suppliers:,} suppliers listed, {args.rows:,} upserted")
    print(f"load average (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="hrdd-api-") as tmp:
        for database in databases:
            r = run_database(database, args, Path(tmp))
            print(f"\n{database}: {r['suppliers']:,} suppliers (made in {r['make_s']} s)")
            print(
                f"  list, {r['pages']:,} pages of 100: median {r['page_median_s'] * 1000:.1f} ms, "
                f"p95 {r['page_p95_s'] * 1000:.1f} ms, slowest {r['page_max_s'] * 1000:.1f} ms "
                f"(target < 100 ms); baseline, the same page through the ORM: "
                f"{r['orm_median_s'] * 1000:.1f} ms; ratio "
                f"{r['page_median_s'] / r['orm_median_s']:.1f}x"
            )
            print(
                f"  bulk upsert of {r['rows']:,} (half new, half changed): {r['upsert_s']:.2f} s "
                f"(target < 10 s); baseline, bulk_create of as many rows unchecked: "
                f"{r['insert_s']:.2f} s; ratio {r['upsert_s'] / r['insert_s']:.1f}x"
            )


if __name__ == "__main__":
    main()
