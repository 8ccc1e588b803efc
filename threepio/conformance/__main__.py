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
from .matrix import run_levels
from .report import markdown, summary_text

DOCS = Path(__file__).resolve().parents[2] / "docs"


_STEMS = {"aten": "coverage", "api": "coverage-api"}


def _costs(levels) -> dict:
    """level -> {entry: seconds} from the committed results (the order work is handed out)."""
    out = {}
    for level in levels:
        try:
            out[level] = json.loads((DOCS / f"{_STEMS[level]}.json").read_text()).get(
                "entry_seconds", {})
        except (OSError, ValueError):  # no earlier run: every entry counts as long
            out[level] = {}
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m threepio.conformance")
    p.add_argument("--ops", help="regular expression selecting OpInfo names")
    p.add_argument("--targets", default=",".join(TARGETS))
    p.add_argument("--dtypes", default=",".join(DTYPES))
    p.add_argument("--per-dtype", type=int, help="at most this many samples per op and dtype")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--level", choices=("aten", "api", "both"), default="both",
                   help="trace samples to Core ATen ops, to the public API commands, or both "
                        "(default; results in docs/coverage.* and docs/coverage-api.*)")
    p.add_argument("--api-per-dtype", type=int, default=2,
                   help="at the API level, at most this many samples per op and dtype (default "
                        "2; 0 for all): the API level proves commands, the ATen level samples")
    p.add_argument("--no-write", action="store_true", help="print only; keep docs/ unchanged")
    p.add_argument("--cases", metavar="FILE", type=Path,
                   help="also write every case's status and reason per target, one JSON line "
                        "each (FILE gets the level before its suffix with --level both)")
    args = p.parse_args(argv)
    select = (lambda k: re.search(args.ops, k) is not None) if args.ops else None
    targets = tuple(args.targets.split(","))
    try:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    except ImportError:  # pragma: no cover - rich is a dev dependency
        Progress = None
    from .cases import entries

    n = len(entries(select))
    levels = ("aten", "api") if args.level == "both" else (args.level,)
    per_dtype = {level: args.per_dtype if args.per_dtype is not None or level == "aten"
                 else (args.api_per_dtype or None) for level in levels}
    cases_out = {}
    if args.cases:
        for level in levels:
            path = (args.cases if len(levels) == 1
                    else args.cases.with_name(f"{args.cases.stem}.{level}{args.cases.suffix}"))
            cases_out[level] = path.open("w")
    run = dict(select=select, targets=targets, dtypes=tuple(args.dtypes.split(",")),
               per_dtype=per_dtype, jobs=args.jobs, cases_out=cases_out, cost=_costs(levels))
    if Progress is not None:
        with Progress("[progress.description]{task.description}", BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), transient=False) as bar:
            tasks = {level: bar.add_task(f"OpInfo entries ({level} level)", total=n)
                     for level in levels}
            docs = run_levels(progress=lambda level, rs: bar.advance(tasks[level]), **run)
    else:
        docs = run_levels(**run)
    for f in cases_out.values():
        f.close()
    status = 0
    for level, doc in docs.items():
        print(summary_text(doc))
        if not args.no_write:
            stem = _STEMS[level]
            DOCS.mkdir(exist_ok=True)
            (DOCS / f"{stem}.json").write_text(json.dumps(doc, indent=1, sort_keys=True)
                                               + "\n")
            (DOCS / f"{stem}.md").write_text(markdown(doc))
            print(f"wrote {DOCS / (stem + '.json')} and {DOCS / (stem + '.md')}")
        if any(f["status"] in ("xpass", "fail", "error", "harness-error")
               for f in doc["failures"]):
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
