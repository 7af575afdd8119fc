"""Benchmark: export every answer of a disclosed campaign to CSV and XLSX (the Detailed
Report exports), and the XLSX writers that were candidates for it.

    .venv/bin/python bench/export.py --responses 100000 [--database sqlite|postgres|both]
                                     [--format csv|xlsx|...|all]

For each database: a fresh database, N generated responses in a disclosed campaign of a
paid-plan buyer, then the CSV export exactly as the web view streams it
(hrdd.detailed.exports.stream_csv), consumed chunk by chunk, and the XLSX export as the web
view builds it (hrdd.detailed.exports.write_xlsx: rows streamed into the zip by
hrdd.core.xlsx, numbers and dates typed), each in a process of its own. The other formats
are the same answers written by the candidates, from the same rows (iter_rows), every cell
text as the export wrote them before it typed numbers and dates:

- xlsx-level6: the export with the zip's default deflate level (6) instead of 1;
- xlsx-xlsxwriter: XlsxWriter in constant-memory mode, write_string on the filled cells (the
  export's writer until hrdd.core.xlsx);
- xlsx-openpyxl: openpyxl's write-only mode (the writer before that);
- xlsx-pyexcelerate, xlsx-rustpy: PyExcelerate and rustpy-xlsxwriter (Rust), measured when
  installed (not dependencies of the project: `uv pip install --target DIR ...` and
  PYTHONPATH=DIR).

Printed: seconds (median of the runs), the peak memory of the process that ran the export
(getrusage, measured in a fresh process that only exports), the number of queries, the
bytes written and the time as a multiple of the CSV's in the same run. Targets (issues
"Reports and disclosure control" and "Real files in and out"): the CSV under 5 s and
150 MB, the XLSX within 2 x the CSV's time and under 150 MB, a constant number of queries.
Baseline: a comparable open-source Django survey app took ~37 s for 10,000 responses (one
query per response).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "RESULT "
FORMATS = [
    "csv",
    "xlsx",
    "xlsx-level6",
    "xlsx-xlsxwriter",
    "xlsx-openpyxl",
    "xlsx-pyexcelerate",
    "xlsx-rustpy",
]


def setup_and_export(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hrdd.campaigns.models import Campaign
    from hrdd.detailed import exports as detailed
    from hrdd.organisations.models import Organisation
    from hrdd.responses.models import Response

    if args.phase == "prepare":
        call_command("migrate", verbosity=0)
        from hrdd.responses.management.commands.generate_responses import (
            create_benchmark_campaign,
        )

        campaign = create_benchmark_campaign(name="Export benchmark")
        Campaign.objects.filter(pk=campaign.pk).update(mode=Campaign.Mode.DISCLOSED)
        Organisation.objects.filter(pk=campaign.organisation_id).update(plan=Organisation.Plan.PAID)
        started = time.perf_counter()
        call_command("generate_responses", campaign=campaign.pk, count=args.responses, verbosity=0)
        generated = time.perf_counter() - started
        # Generated responses carry no identity: give each a supplier name and consent.
        Response.objects.filter(campaign=campaign).update(
            supplier_name="Supplier", supplier_country="VN", consented_at=timezone.now()
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
        return {"campaign": campaign.pk, "generate_s": generated}

    campaign = Campaign.objects.select_related("organisation", "questionnaire_version").get(
        pk=args.campaign
    )
    writers = {
        "xlsx-xlsxwriter": xlsxwriter_constant_memory,
        "xlsx-openpyxl": openpyxl_write_only,
        "xlsx-pyexcelerate": pyexcelerate_workbook,
        "xlsx-rustpy": rustpy_workbook,
    }
    if args.format == "xlsx-level6":
        from hrdd.core import xlsx

        xlsx.COMPRESSLEVEL = 6
    times, size, queries = [], 0, 0
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            if args.format in ("xlsx", "xlsx-level6"):
                out = detailed.write_xlsx(campaign=campaign, language="en")
                size = out.seek(0, os.SEEK_END)
                out.close()
            elif args.format in writers:
                try:
                    size = writers[args.format](detailed, campaign)
                except ImportError as error:
                    return {"skipped": str(error)}
            else:
                chunks = detailed.stream_csv(campaign=campaign)
                size = sum(len(chunk.encode()) for chunk in chunks)
            times.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "median_s": statistics.median(times),
        "runs_s": times,
        "peak_mb": peak_kb / 1024,
        "queries": queries,
        "bytes": size,
    }


def questions(campaign) -> list[list[str]]:
    """The second sheet: each question's code and English text."""
    return [["code", "question"]] + [
        [q.code, q.text.get("en")] for q in campaign.questionnaire_version.parsed.questions
    ]


def spooled_size(save) -> int:
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        save(out)
        return out.seek(0, os.SEEK_END)


def xlsxwriter_constant_memory(detailed, campaign) -> int:
    """The workbook as the export wrote it until 2026-12-05: XlsxWriter in constant-memory
    mode, text kept text, write_string on the filled cells only (write_row looks at each
    value's type and writes the empty ones too: a third slower)."""
    import xlsxwriter

    def save(out):
        options = {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        }
        book = xlsxwriter.Workbook(out, options)
        sheet = book.add_worksheet("answers")
        sheet.freeze_panes(1, 0)
        bold = book.add_format({"bold": True})
        rows = detailed.iter_rows(campaign=campaign)
        header = next(rows)
        sheet.set_column(0, len(header) - 1, 18)
        sheet.write_row(0, 0, header, bold)
        write = sheet.write_string
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value:
                    write(number, column, value)
        second = book.add_worksheet("questions")
        for number, row in enumerate(questions(campaign)):
            second.write_row(number, 0, row)
        book.close()

    return spooled_size(save)


def openpyxl_write_only(detailed, campaign) -> int:
    """The workbook as openpyxl's write-only mode writes it (the export's writer until
    XlsxWriter replaced it)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("answers")
    for row in detailed.iter_rows(campaign=campaign):
        sheet.append(row)
    second = book.create_sheet("questions")
    for row in questions(campaign):
        second.append(row)
    return spooled_size(book.save)


def pyexcelerate_workbook(detailed, campaign) -> int:
    """PyExcelerate: it takes a sheet's rows as one list (no streaming), empty cells as
    None."""
    from pyexcelerate import Workbook

    book = Workbook()
    rows = [[value or None for value in row] for row in detailed.iter_rows(campaign=campaign)]
    book.new_sheet("answers", data=rows)
    book.new_sheet("questions", data=questions(campaign))
    return spooled_size(book.save)


def rustpy_workbook(detailed, campaign) -> int:
    """rustpy-xlsxwriter (rust_xlsxwriter underneath, constant-memory by default): rows as
    dicts keyed by the header, from a generator, the header bold and frozen."""
    from rustpy_xlsxwriter import write_worksheets

    rows = detailed.iter_rows(campaign=campaign)
    header = next(rows)
    records = (dict(zip(header, row, strict=True)) for row in rows)
    second = questions(campaign)
    notes = [dict(zip(second[0], row, strict=True)) for row in second[1:]]

    def save(out):
        write_worksheets(
            [("answers", records), ("questions", notes)],
            out,
            bold_headers=True,
            freeze_panes={"answers": {"row": 1, "col": 0}},
        )

    return spooled_size(save)


def run(database: str, args, workdir: Path) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(workdir))
    env.setdefault("DEBUG", "1")  # development settings: no SECRET_KEY needed
    if database == "postgres":
        import psycopg

        with psycopg.connect(args.postgres_url + "/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS hrdd_bench_export")
            conn.execute("CREATE DATABASE hrdd_bench_export")
        env["DATABASE_URL"] = args.postgres_url + "/hrdd_bench_export"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'export.sqlite3'}"

    def phase(name: str, extra: list[str]) -> dict:
        command = [sys.executable, __file__, "--phase", name, *extra]
        out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        line = next(x for x in out.stdout.splitlines() if x.startswith(PREFIX))
        return json.loads(line[len(PREFIX) :])

    prepared = phase("prepare", ["--responses", str(args.responses)])
    # A fresh process for each export, so its peak memory is the export's own.
    exported = {
        fmt: phase(
            "export",
            ["--campaign", str(prepared["campaign"]), "--runs", str(args.runs), "--format", fmt],
        )
        for fmt in (FORMATS if args.format == "all" else [args.format])
    }
    if database == "postgres" and not args.keep:
        import psycopg

        with psycopg.connect(args.postgres_url + "/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS hrdd_bench_export")
    return {**prepared, "exports": exported}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--format", choices=[*FORMATS, "all"], default="all")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--phase", choices=["prepare", "export"], help=argparse.SUPPRESS)
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        sys.path.insert(0, str(ROOT))
        print(PREFIX + json.dumps(setup_and_export(args)), flush=True)
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(f"Export of all answers, {args.responses:,} responses, median of {args.runs}")
    print(f"load average (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'database':<10} {'format':<17} {'seconds':>8} {'target':>7} {'peak MB':>8} "
        f"{'target':>7} {'queries':>8} {'MB written':>11} {'x CSV':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="hrdd-export-") as tmp:
        for database in databases:
            result = run(database, args, Path(tmp))
            csv_s = result["exports"].get("csv", {}).get("median_s")
            for fmt, r in result["exports"].items():
                if "skipped" in r:
                    print(f"{database:<10} {fmt:<17} not measured: {r['skipped']}", flush=True)
                    continue
                # Targets: the CSV under 5 s and 150 MB; the XLSX within 2x the CSV's time.
                target = ("< 5", "< 150") if fmt == "csv" else ("< 2x", "< 150")
                ratio = f"{r['median_s'] / csv_s:>6.2f}" if csv_s else f"{'':>6}"
                print(
                    f"{database:<10} {fmt:<17} {r['median_s']:>8.2f} {target[0]:>7} "
                    f"{r['peak_mb']:>8.0f} {target[1]:>7} {r['queries']:>8} "
                    f"{r['bytes'] / 1e6:>11.1f} {ratio}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
