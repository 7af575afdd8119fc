"""Benchmark: the inherent-risk method over every country × sector × topic.

    DEBUG=1 .venv/bin/python bench/risk.py

On a fresh SQLite database in a temporary folder: loads the shipped reference data
(manage.py load_reference), then times, median of 5 after a warm-up: reading the rows of the
four editions (one query each), the pure method over them, and assessment_compute (read +
score + store). Baseline: the bare read of the rows (the database's share), next to it.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    folder = tempfile.mkdtemp(prefix="hrdd-bench-risk-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from hrdd.reference import selectors as reference
    from hrdd.risk import method
    from hrdd.risk.method import DATASETS
    from hrdd.risk.selectors import inputs_for
    from hrdd.risk.services import assessment_compute

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_reference", stdout=open(os.devnull, "w"))  # noqa: SIM115
    load_s = time.perf_counter() - started
    current = reference.current_editions()
    ids = {code: current[code].pk for code in DATASETS}

    def timed(fn) -> float:
        fn()
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t)
        return statistics.median(runs)

    inputs = inputs_for(ids)
    results = method.assess(inputs)
    cells = sum(len(sectors) for sectors in results["cells"].values())
    levels = {}
    for sectors in results["cells"].values():
        for topics in sectors.values():
            for result in topics.values():
                levels[result["level"]] = levels.get(result["level"], 0) + 1
    figures = {
        "countries": len(results["cells"]),
        "country_sector_cells": cells,
        "topic_results": cells * len(method.TOPICS),
        "levels": levels,
        "load_reference_s": round(load_s, 3),
        "read_rows_s (baseline)": round(timed(lambda: inputs_for(ids)), 4),
        "method_s": round(timed(lambda: method.assess(inputs)), 4),
        "assessment_compute_s": round(timed(assessment_compute), 4),
        "results_json_bytes": len(json.dumps(results)),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
