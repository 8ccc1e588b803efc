"""The NumPy catalog: ``numpy``, ``numpy.linalg``, ``numpy.fft`` and ``numpy.ndarray`` methods,
from the installed package or from numpy.org's Sphinx reference pages.

Installed package: ufuncs and C functions have a signature line at the top of their docstring
(``add(x1, x2, /, out=None, *, where=True, ...[, signature])``), Python functions an
``inspect`` signature; documented types come from numpydoc ``Parameters`` sections. Commands are
named with the prefix the mapping rules use: ``np.add``, ``np.linalg.norm``,
``np.ndarray.reshape``.

    cat = scrape()                                            # the installed numpy
    cat = scrape(source="tests/data/docs/sphinx/numpy")       # a folder of Sphinx pages
    cat = scrape(source="https://numpy.org/doc/2.4/reference/", online=True)
"""

from __future__ import annotations

import time
import types
from pathlib import Path

from threepio.catalog.model import Catalog, Command

from .docstrings import ParseStats, build_command, numpydoc_types, object_signatures
from .sphinx_html import (
    SourceError,
    default_cache_dir,
    entry_command,
    folder_pages,
    is_url,
    parse_page,
    progress,
    site_pages,
    site_version,
)

FRAMEWORK = "numpy"
PREFIX = "np"                       # mappings/numpy.yaml: `prefixes: [np, npx]`
NAMESPACES = ("numpy", "numpy.linalg", "numpy.fft")
SITE = "https://numpy.org/doc/{mm}/reference/"
#: reference pages linking to the generated pages of the catalog's namespaces (the
#: ``routines.*.html`` pages they link to are read as index pages too)
INDEX_PAGES = ("routines.html", "ufuncs.html", "arrays.ndarray.html")


def _is_index(url: str) -> bool:
    return url.rsplit("/", 1)[-1].startswith("routines.") and "/generated/" not in url


def in_scope(ident: str) -> bool:
    """``numpy.add``, ``numpy.linalg.norm``, ``numpy.ndarray.reshape``: a catalog namespace
    and a public name."""
    ns, _, short = ident.rpartition(".")
    return ns in NAMESPACES + ("numpy.ndarray",) and not short.startswith("_")


def installed_version() -> str:
    import numpy

    return numpy.__version__


def qualname(dotted: str) -> str:
    """``numpy.linalg.norm`` -> ``np.linalg.norm``."""
    return PREFIX + dotted[len("numpy"):] if dotted.startswith("numpy.") else dotted


def doc_url(name: str, version: str) -> str:
    """The numpy.org page: ``.../doc/2.4/reference/generated/numpy.add.html``."""
    page = "numpy" + name[len(PREFIX):] if name.startswith(PREFIX + ".") else name
    return SITE.format(mm=".".join(version.split(".")[:2])) + f"generated/{page}.html"


def public_commands() -> list[tuple[str, object, bool]]:
    """``(qualified name, object, is_method)`` for every public command, sorted by name."""
    import importlib

    import numpy

    found = []
    for ns in NAMESPACES:
        module = importlib.import_module(ns)
        names = getattr(module, "__all__", None)
        for name in sorted(set(names) if names is not None else dir(module)):
            if name.startswith("_"):
                continue
            obj = getattr(module, name, None)
            if obj is None or isinstance(obj, (type, types.ModuleType)) or not callable(obj):
                continue
            found.append((qualname(f"{ns}.{name}"), obj, False))
    for name in sorted(dir(numpy.ndarray)):
        obj = getattr(numpy.ndarray, name, None)
        if name.startswith("_") or obj is None or isinstance(obj, type) or not callable(obj):
            continue
        found.append((f"{PREFIX}.ndarray.{name}", obj, True))
    return sorted(found, key=lambda t: t[0])


def scrape(version: str | None = None, source: str | Path | None = None,
           online: bool = False) -> Catalog:
    """The catalog of ``version`` (default: the installed one) from ``source``: None for the
    installed package, a folder of Sphinx pages, or the reference's base URL."""
    return scrape_with_stats(version, source, online)[0]


def scrape_with_stats(version: str | None = None, source: str | Path | None = None,
                      online: bool = False, cache_dir: str | Path | None = None,
                      show_progress: bool = True) -> tuple[Catalog, ParseStats]:
    """:func:`scrape`, plus how many signature lines parsed per source."""
    if source is None:
        return scrape_installed(version, show_progress)
    return scrape_html(source, version, online, cache_dir, show_progress)


def scrape_installed(version: str | None = None,
                     show_progress: bool = True) -> tuple[Catalog, ParseStats]:
    have = installed_version()
    if version is not None and version != have:
        raise SourceError(f"the installed numpy is {have}, not {version}: scrape {version} from "
                          f"its documentation (--source {SITE.format(mm=version[:3])} --online)")
    t0 = time.perf_counter()
    stats = ParseStats()
    commands = public_commands()
    names_of: dict[int, list[str]] = {}
    for name, obj, _ in commands:
        names_of.setdefault(id(obj), []).append(name)
    cat = Catalog(FRAMEWORK, have, f"numpy {have} (installed package)",
                  "threepio.scrapers.numpy_docs")
    for name, obj, is_method in progress(commands, "numpy docstrings", show_progress):
        short = name.rsplit(".", 1)[-1]
        lines, src, rest = object_signatures(obj, short, method=is_method)
        doc_name = short if src == "docstring" else None
        cmd = build_command(name, lines, src, rest, doc_url(_page_name(obj, name, doc_name),
                                                            have), stats, numpydoc_types(rest))
        aliases = tuple(n for n in names_of[id(obj)] if n != name)
        cat.add(Command(**{**cmd.__dict__, "aliases": aliases}))
    stats.seconds = time.perf_counter() - t0
    return cat, stats


def _page_name(obj, name: str, _doc_name) -> str:
    """The documented name of an aliased object: ``np.abs`` is documented as
    ``numpy.absolute`` (its ``__name__``) when that name is in the same namespace."""
    real = getattr(obj, "__name__", None)
    ns, _, short = name.rpartition(".")
    if real and real != short and not real.startswith("_") and "ndarray" not in ns:
        import importlib

        module = importlib.import_module("numpy" + ns[len(PREFIX):])
        if getattr(module, real, None) is obj:
            return f"{ns}.{real}"
    return name


def scrape_html(source: str | Path, version: str | None = None, online: bool = False,
                cache_dir: str | Path | None = None,
                show_progress: bool = True) -> tuple[Catalog, ParseStats]:
    """From numpy.org-style Sphinx pages: a folder (``**/*.html``) or the reference's base URL."""
    from .http import Fetcher

    t0 = time.perf_counter()
    stats = ParseStats()
    if is_url(str(source)):
        version = site_version(str(source), version, installed_version(), r"/doc/(\d+\.\d+)/")
        fetcher = Fetcher(cache_dir or default_cache_dir(), online=online)
        urls = site_pages(str(source), INDEX_PAGES, fetcher,
                          lambda u: "/generated/numpy." in u and u.endswith(".html"), _is_index)
        pages = ((u, fetcher.get(u)) for u in progress(urls, "numpy.org", show_progress))
        label = str(source)
    else:
        version = version or installed_version()
        pages = folder_pages(source)
        label = _relative(source)
    cat = Catalog(FRAMEWORK, version, label, "threepio.scrapers.numpy_docs (html)")
    for _, html in pages:
        for entry in parse_page(html):
            if not in_scope(entry.id):
                continue
            name = qualname(entry.id)
            cat.add(entry_command(entry, name, doc_url(name, version), stats))
    stats.seconds = time.perf_counter() - t0
    return cat, stats


def _relative(path) -> str:
    p = Path(path).resolve()
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()
