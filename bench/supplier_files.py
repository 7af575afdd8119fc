"""Supplier files: how long reading and checking a 10,000-row list takes (issue 13).

Compares the project's streamed XLSX reader (`hrdd.suppliers.imports.read_table`) with openpyxl
in read-only mode producing the same header and rows, on the same workbook, and times the whole
check (`check_table`) and a CSV of the same rows for reference. Median of --repeat runs, CPU of
this process (nothing else runs in it).

    PYTHONPATH=. .venv/bin/python bench/supplier_files.py [--rows 10000] [--repeat 5]

Nothing here is imported by the application.
"""

import argparse
import io
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402

from hrdd.suppliers import imports  # noqa: E402
from hrdd.testing.supplier_files import (  # noqa: E402
    MAIN,
    bomb,
    csv_bytes,
    header_row,
    xlsx_bytes,
)

HEADER = ["name", "country", "industry", "size", "contact name", "email", "language"]
COUNTRIES = ["VN", "Japan", "Thailand", "BD", "Indonesia", "日本", "ベトナム"]


def rows(count: int) -> list[list]:
    return [HEADER] + [
        [
            f"Supplier {i} Co., Ltd.",
            COUNTRIES[i % len(COUNTRIES)],
            "apparel",
            50 + i % 900,
            f"Contact {i}",
            f"s{i}@supplier.example",
            "vi",
        ]
        for i in range(count)
    ]


def _trimmed(values: list[str]) -> list[str]:
    while values and not values[-1]:
        values.pop()
    return values


def openpyxl_table(content: bytes) -> imports.Table:
    """The same Table read by openpyxl in read-only mode (values as the cached results)."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    # iter_rows pads every row to max_col: the trailing empty cells are dropped, as ours does.
    numbered = (
        (number, _trimmed([imports._text(v) for v in values]))
        for number, values in enumerate(
            sheet.iter_rows(max_col=imports.MAX_COLUMNS, values_only=True), start=1
        )
    )
    table = imports._table(numbered)
    book.close()
    return table


def bombs() -> dict[str, bytes]:
    """Workbooks of issue 12: millions of empty cells in a few KB, at the real limits."""
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}'
    return {
        "3,000,000 empty cells in one row": bomb(
            sheet + '<row r="2">' + "<c/>" * 3_000_000 + "</row></sheetData></worksheet>"
        ),
        "1,280,000 empty cells in 80,000 rows": bomb(
            sheet + ("<row>" + "<c/>" * 16 + "</row>") * 80_000 + "</sheetData></worksheet>"
        ),
    }


def _read_in_child(content: bytes, queue) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    try:
        imports.read_table(filename="bomb.xlsx", content=content)
        outcome = "read"
    except imports.SupplierFileError as error:
        outcome = error.code
    except MemoryError:
        outcome = "MemoryError"
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    queue.put((outcome, time.process_time() - start, grown / 1024))


def measure_bomb(content: bytes) -> tuple[str, float, float]:
    """(outcome, CPU seconds, peak resident growth in MB), read in a fresh process."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_read_in_child, args=(content, queue))
    child.start()
    child.join()
    return queue.get() if child.exitcode == 0 else (f"died ({child.exitcode})", 0.0, 0.0)


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = function()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = rows(args.rows)
    workbook = xlsx_bytes(data, title="Suppliers")
    text = csv_bytes(data)
    print(f"{args.rows:,} rows: XLSX {len(workbook) / 1024:.0f} KB, CSV {len(text) / 1024:.0f} KB")

    ours, table = timed(
        lambda: imports.read_table(filename="s.xlsx", content=workbook), args.repeat
    )
    theirs, other = timed(lambda: openpyxl_table(workbook), args.repeat)
    assert other.header == table.header and other.rows == table.rows, "readers disagree"
    as_csv, _ = timed(lambda: imports.read_table(filename="s.csv", content=text), args.repeat)
    checking, result = timed(lambda: imports.check_table(table, existing_emails=set()), args.repeat)
    print(f"  read XLSX, streamed reader (imports.read_table): {ours:.2f} s")
    print(
        f"  read XLSX, openpyxl read-only:                   {theirs:.2f} s ({theirs / ours:.1f}x)"
    )
    print(f"  read CSV (imports.read_table):                   {as_csv:.2f} s")
    print(
        f"  check every row (imports.check_table):           {checking:.2f} s "
        f"({len(result.rows):,} valid)"
    )
    for name, content in bombs().items():
        outcome, seconds, grown = measure_bomb(content)
        print(
            f"  bomb, {name} ({len(content) / 1024:.0f} KB): {outcome} after {seconds:.2f} s, "
            f"peak memory +{grown:.0f} MB"
        )


if __name__ == "__main__":
    main()
