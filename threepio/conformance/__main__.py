"""``python -m threepio.conformance``: run the OpInfo matrix and write docs/coverage.{json,md}.

    python -m threepio.conformance                 # everything (make conformance)
    python -m threepio.conformance --ops 'add|mul' --per-dtype 2 --no-write
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from .cases import DTYPES
from .engine import TARGETS
from .matrix import run_matrix
from .report import markdown, summary_text

DOCS = Path(__file__).resolve().parents[2] / "docs"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m threepio.conformance")
    p.add_argument("--ops", help="regular expression selecting OpInfo names")
    p.add_argument("--targets", default=",".join(TARGETS))
    p.add_argument("--dtypes", default=",".join(DTYPES))
    p.add_argument("--per-dtype", type=int, help="at most this many samples per op and dtype")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--no-write", action="store_true", help="print only; keep docs/ unchanged")
    args = p.parse_args(argv)
    select = (lambda k: re.search(args.ops, k) is not None) if args.ops else None
    targets = tuple(args.targets.split(","))
    try:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    except ImportError:  # pragma: no cover - rich is a dev dependency
        Progress = None
    from .cases import entries

    n = len(entries(select))
    if Progress is not None:
        with Progress("[progress.description]{task.description}", BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), transient=False) as bar:
            task = bar.add_task("OpInfo entries", total=n)
            doc = run_matrix(select, targets, tuple(args.dtypes.split(",")), args.per_dtype,
                             args.jobs, progress=lambda rs: bar.advance(task))
    else:
        doc = run_matrix(select, targets, tuple(args.dtypes.split(",")), args.per_dtype,
                         args.jobs)
    print(summary_text(doc))
    if not args.no_write:
        DOCS.mkdir(exist_ok=True)
        (DOCS / "coverage.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        (DOCS / "coverage.md").write_text(markdown(doc))
        print(f"wrote {DOCS / 'coverage.json'} and {DOCS / 'coverage.md'}")
    bad = [f for f in doc["failures"] if f["status"] == "xpass"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
