"""Catalog subcommands of the ``threepio`` CLI: ``catalog stats``, ``maps diff A B [--json]``,
``scrape FRAMEWORK [--version V] [--source S] [--online] [-o PATH]`` and ``find QUERY [--json]``
(search, in :mod:`threepio.catalog.search`)."""

from __future__ import annotations

import json


def add_subcommands(sub):
    sp = sub.add_parser("catalog", help="the committed command catalogs (mappings/catalogs)")
    csub = sp.add_subparsers(dest="catalog_command", required=True)
    st = csub.add_parser("stats", help="commands and parsed signatures per framework and version")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_catalog_stats)

    mp = sub.add_parser("maps", help="compare catalogs of two releases")
    msub = mp.add_subparsers(dest="maps_command", required=True)
    df = msub.add_parser("diff", help="commands added, removed and changed between two "
                         "catalogs, e.g. tfjs@1.5.1 tfjs@4.22.0")
    df.add_argument("old", help="FRAMEWORK@VERSION (or FRAMEWORK for its newest catalog)")
    df.add_argument("new", help="FRAMEWORK@VERSION")
    df.add_argument("--json", action="store_true")
    df.set_defaults(func=cmd_maps_diff)

    sc = sub.add_parser("scrape", help="(re)build a framework's catalog from its documentation")
    sc.add_argument("framework", help="torch, tf, numpy or tfjs")
    sc.add_argument("--version", help="the release (default: the scraper's newest)")
    sc.add_argument("--source", help="a local file, folder or URL to read instead of the default")
    sc.add_argument("--online", action="store_true", help="allow downloads (cached, polite)")
    sc.add_argument("-o", "--output", help="write the YAML here (default: "
                    "mappings/catalogs/FRAMEWORK/VERSION.yaml; - for stdout)")
    sc.set_defaults(func=cmd_scrape)

    fd = sub.add_parser("find", help="fuzzy-search the catalogs and rules of every framework "
                        "(names, synonyms, summaries) and show each hit's mapping status")
    fd.add_argument("query", help="a command name in any style: clamp, clipByValue, tf.concat")
    fd.add_argument("-n", "--limit", type=int, default=10, help="at most this many hits")
    fd.add_argument("--framework", action="append", choices=("torch", "tfjs", "tf", "numpy"),
                    help="only hits of this framework (repeatable)")
    fd.add_argument("--json", action="store_true")
    fd.set_defaults(func=cmd_find)


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


def cmd_maps_diff(args) -> int:
    from ..errors import RuleFileError
    from .diff import diff_catalogs
    from .model import load_catalog, parse_ref

    old, new = (load_catalog(*parse_ref(r)) for r in (args.old, args.new))
    if old.framework != new.framework:
        raise RuleFileError(f"maps diff compares two releases of one framework, not "
                            f"{old.ref} and {new.ref}")
    d = diff_catalogs(old, new)
    print(json.dumps(d.to_dict(), indent=1) if args.json else d)
    return 0


def cmd_scrape(args) -> int:
    import sys
    from pathlib import Path

    from threepio.scrapers.registry import scraper_for

    from .model import catalog_path, dump_catalog

    cat = scraper_for(args.framework).scrape(args.version, args.source, args.online)
    if args.output == "-":
        sys.stdout.write(dump_catalog(cat))
    else:
        path = Path(args.output) if args.output else catalog_path(cat.framework, cat.version)
        dump_catalog(cat, path)
        st = cat.stats()
        print(f"{cat.ref}: {st['commands']} commands, {st['parsed']}/{st['signatures']} "
              f"signatures parsed ({st['parse_rate']:.1%}) from {cat.source}; wrote {path}",
              file=sys.stderr)
    return 0


def cmd_find(args) -> int:
    from .search import find, render

    hits = find(args.query, limit=args.limit, frameworks=args.framework)
    print(json.dumps([h.to_dict() for h in hits], indent=1) if args.json else render(hits))
    return 0
