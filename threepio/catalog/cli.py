"""Catalog subcommands of the ``threepio`` CLI: ``catalog stats`` (and the scraping, diffing and
search commands registered beside it)."""

from __future__ import annotations

import json


def add_subcommands(sub):
    sp = sub.add_parser("catalog", help="the committed command catalogs (mappings/catalogs)")
    csub = sp.add_subparsers(dest="catalog_command", required=True)
    st = csub.add_parser("stats", help="commands and parsed signatures per framework and version")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_catalog_stats)


def cmd_catalog_stats(args) -> int:
    from .model import available, load_catalog

    rows = [load_catalog(fw, v).stats() for fw, v in available()]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'framework':<10} {'version':<10} {'commands':>9} {'signatures':>11} {'parsed':>7}"
          f" {'rate':>7}")
    for r in rows:
        print(f"{r['framework']:<10} {r['version']:<10} {r['commands']:>9} {r['signatures']:>11}"
              f" {r['parsed']:>7} {r['parse_rate']:>7.1%}")
    return 0
