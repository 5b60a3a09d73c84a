"""The national forms 1 and 2 (every unit of the country under the central unit) as xlsx: time and peak memory of
the export (reports.forms: the engine's figures, then the styled write-only workbook), against writing the same
cells with plain openpyxl from numbers computed beforehand (the floor: no database, no styles).

    python benchmarks/export_bench.py --database-url postgres://postgres@127.0.0.1:5432/thads_forms_bench \\
        [--unit SYN-CQL] [--fiscal-year 2026] [--months 12] [--repeat 3] [--with-cases]

The database is expected to hold the national synthetic dataset (`manage.py generate_synthetic --cases N`,
which also builds the per-case facts the engine reads). Each measurement runs in its own Python process, so
its peak resident memory (ru_maxrss) is its own; runs are interleaved (export, baseline, export, …) so load on
the machine hits both alike; medians and ratios are printed.

``--with-cases`` also measures the full export with the second sheet (every counted case of the country,
streamed from a server-side cursor into the write-only sheet), against writing the same rows — fetched
beforehand — with openpyxl's write-only mode.
"""
import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_export(args) -> dict:
    _setup(args.database_url)
    from reports.forms.build import form_build
    from reports.forms.definitions import FORMS
    from reports.forms.excel import write_form
    from thads.org.models import Unit

    unit = Unit.objects.get(code=args.unit)
    started = time.perf_counter()
    data = form_build(form=FORMS[args.form], unit=unit, fiscal_year=args.fiscal_year, months=args.months)
    built = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "form.xlsx"
        write_form(data, path, include_cases=args.cases)
        done = time.perf_counter()
        size = path.stat().st_size
    return {"seconds": done - started, "engine_seconds": built - started, "peak_mb": _peak_mb(),
            "rows": len(data.rows), "bytes": size}


def child_dump(args) -> dict:
    """The cells of the form (and, with --with-cases, of the case sheet), computed once, for the baseline."""
    _setup(args.database_url)
    from reports.engine import counted_cases
    from reports.forms.build import form_build
    from reports.forms.definitions import FORMS
    from thads.org.models import Unit

    unit = Unit.objects.get(code=args.unit)
    data = form_build(form=FORMS[args.form], unit=unit, fiscal_year=args.fiscal_year, months=args.months)
    header = [column.heading for column in data.columns]
    rows = [[number, row.label, *data.values(row)] for number, row in enumerate(data.rows, start=1)]
    rows.append([None, data.total.label, *data.values(data.total)])
    cases = []
    if args.cases:
        for row in data.rows:
            for case in counted_cases(start=data.start, end=data.end, category=data.form.category, **row.scope):
                cases.append((len(cases) + 1, row.label, case.case_no, "Số cũ" if case.carried_over else "Số mới",
                              case.outcome, case.base_money, case.collected, case.reduced, case.terminated,
                              case.remaining_end))
    with open(args.dump, "wb") as handle:
        pickle.dump({"header": header, "rows": rows, "cases": cases}, handle)
    return {"cells": len(rows) * (len(header) + 2), "cases": len(cases)}


def child_baseline(args) -> dict:
    from openpyxl import Workbook

    with open(args.dump, "rb") as handle:
        dump = pickle.load(handle)  # noqa: S301 (our own file, written by child_dump)
    started = time.perf_counter()
    workbook = Workbook(write_only=bool(dump["cases"]))
    sheet = workbook.create_sheet("form") if dump["cases"] else workbook.active
    sheet.append(["STT", "Đơn vị", *dump["header"]])
    for row in dump["rows"]:
        sheet.append(row)
    if dump["cases"]:
        cases = workbook.create_sheet("cases")
        for row in dump["cases"]:
            cases.append(row)
    with tempfile.TemporaryDirectory() as directory:
        workbook.save(Path(directory) / "baseline.xlsx")
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _run(kind: str, args, form: str, cases: bool) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--database-url", args.database_url, "--unit", args.unit,
               "--fiscal-year", str(args.fiscal_year), "--months", str(args.months), "--form", form,
               "--dump", args.dump]
    if cases:
        command.append("--with-cases")
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout  # noqa: S603
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--unit", default="SYN-CQL")
    parser.add_argument("--fiscal-year", type=int, default=2026)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-cases", dest="cases", action="store_true")
    parser.add_argument("--child", choices=["export", "dump", "baseline"])
    parser.add_argument("--form", default="01")
    parser.add_argument("--dump", default="")
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"export": child_export, "dump": child_dump, "baseline": child_baseline}[args.child](args)))
        return

    _setup(args.database_url)
    from cases.models import Case

    total_cases = Case.objects.count()
    print(f"database: {total_cases:,} cases; unit {args.unit}; FY{args.fiscal_year}, {args.months} months")
    variants = [False, True] if args.cases else [False]
    for form in ("01", "02"):
        for cases in variants:
            with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as handle:
                args.dump = handle.name
            try:
                dumped = _run("dump", args, form, cases)
                exports, baselines = [], []
                for _ in range(args.repeat):
                    exports.append(_run("export", args, form, cases))
                    baselines.append(_run("baseline", args, form, cases))
            finally:
                Path(args.dump).unlink(missing_ok=True)
            label = f"form {form}" + (f" + case sheet ({dumped['cases']:,} cases)" if cases else "")
            export_s = statistics.median(r["seconds"] for r in exports)
            engine_s = statistics.median(r["engine_seconds"] for r in exports)
            base_s = statistics.median(r["seconds"] for r in baselines)
            export_mb = max(r["peak_mb"] for r in exports)
            base_mb = max(r["peak_mb"] for r in baselines)
            print(f"{label}: {exports[0]['rows']} rows + total, {exports[0]['bytes']:,} bytes")
            print(f"  export   median {export_s:7.2f} s (engine {engine_s:.2f} s)  peak {export_mb:6.0f} MB")
            print(f"  baseline median {base_s:7.2f} s                   peak {base_mb:6.0f} MB  "
                  f"(openpyxl, precomputed cells)")
            print(f"  ratio export/baseline: time {export_s / base_s:.1f}×, memory {export_mb / base_mb:.2f}×")


if __name__ == "__main__":
    main()
