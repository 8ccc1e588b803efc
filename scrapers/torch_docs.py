"""The PyTorch catalog: ``torch``, ``torch.nn.functional``, ``torch.linalg`` and ``torch.Tensor``
methods, from the installed package or from pytorch.org's Sphinx pages.

Installed package: most builtins have no ``inspect.signature``, but their docstrings begin with
a signature line (``add(input, other, *, alpha=1, out=None) -> Tensor``) and list overloads as
``.. function::`` lines; Python functions fall back to ``inspect``. This is what Sphinx autodoc
shows on pytorch.org, so both sources give the same parameters.

    cat = scrape()                                   # the installed torch
    cat = scrape(source="tests/data/docs/sphinx/torch")          # a folder of Sphinx pages
    cat = scrape(version="2.13.0", source="https://docs.pytorch.org/docs/2.13/", online=True)

Public names: a module's ``__all__`` when it has one, else names without a leading underscore
whose object comes from torch; Tensor methods without a leading underscore plus the operator
dunders (``__add__``...). The same object under several names is listed under each, with the
others as ``aliases``.
"""

from __future__ import annotations

import time
import types
from pathlib import Path

from threepio.catalog.model import Catalog, Command

from .docstrings import ParseStats, build_command, google_types, object_signatures
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

FRAMEWORK = "torch"
NAMESPACES = ("torch", "torch.nn.functional", "torch.linalg")
SITE = "https://docs.pytorch.org/docs/{mm}/"
#: the site's pages that link to every generated page of the catalog's namespaces
INDEX_PAGES = ("torch.html", "nn.functional.html", "linalg.html", "tensors.html")
OPERATOR_DUNDERS = frozenset(
    f"__{n}__" for n in (
        "add radd iadd sub rsub isub mul rmul imul truediv rtruediv itruediv div rdiv idiv "
        "floordiv rfloordiv ifloordiv mod rmod imod pow rpow ipow matmul rmatmul imatmul "
        "and rand iand or ror ior xor rxor ixor lshift rlshift ilshift rshift rrshift irshift "
        "eq ne lt le gt ge neg pos abs invert getitem setitem len bool float int index "
        "contains iter").split())


def in_scope(ident: str) -> bool:
    """``torch.add``, ``torch.nn.functional.relu``, ``torch.Tensor.add``: a catalog namespace
    and a public name (or an operator dunder of Tensor)."""
    ns, _, short = ident.rpartition(".")
    if ns == "torch.Tensor":
        return not short.startswith("_") or short in OPERATOR_DUNDERS
    return ns in NAMESPACES and not short.startswith("_")


def installed_version() -> str:
    import torch

    return torch.__version__.split("+")[0]


def doc_url(qualname: str, version: str) -> str:
    """The pytorch.org page of a command: ``.../docs/2.13/generated/torch.add.html``."""
    return SITE.format(mm=".".join(version.split(".")[:2])) + f"generated/{qualname}.html"


def _from_torch(obj) -> bool:
    module = getattr(obj, "__module__", None)
    return module is None or module == "torch" or module.startswith(
        ("torch.nn", "torch.linalg", "torch._C._", "torch.functional"))


def public_commands() -> list[tuple[str, object, bool]]:
    """``(qualified name, object, is_method)`` for every public command, sorted by name."""
    import importlib

    import torch

    found = []
    for ns in NAMESPACES:
        module = importlib.import_module(ns)
        names = getattr(module, "__all__", None)
        explicit = names is not None
        for name in sorted(set(names) if explicit else dir(module)):
            if name.startswith("_"):
                continue
            obj = getattr(module, name, None)
            if obj is None or isinstance(obj, (type, types.ModuleType)) or not callable(obj):
                continue
            if not explicit and not _from_torch(obj):
                continue                      # typing helpers and imported internals
            found.append((f"{ns}.{name}", obj, False))
    for name in sorted(dir(torch.Tensor)):
        if name.startswith("_") and name not in OPERATOR_DUNDERS:
            continue
        obj = getattr(torch.Tensor, name, None)
        if obj is None or isinstance(obj, type) or not callable(obj):
            continue                          # properties and attributes are not commands
        found.append((f"torch.Tensor.{name}", obj, True))
    return sorted(found, key=lambda t: t[0])


def scrape(version: str | None = None, source: str | Path | None = None,
           online: bool = False) -> Catalog:
    """The catalog of ``version`` (default: the installed one) from ``source``: None for the
    installed package, a folder of Sphinx pages, or the site's base URL."""
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
    import torch

    have = installed_version()
    if version is not None and version != have:
        raise SourceError(f"the installed torch is {have}, not {version}: scrape {version} from "
                          f"its documentation site (--source {SITE.format(mm=version[:4])} "
                          "--online) or install it")
    t0 = time.perf_counter()
    stats = ParseStats()
    commands = public_commands()
    names_of: dict[int, list[str]] = {}
    for qualname, obj, _ in commands:
        names_of.setdefault(id(obj), []).append(qualname)
    cat = Catalog(FRAMEWORK, have, f"torch {torch.__version__} (installed package)",
                  "threepio.scrapers.torch_docs")
    for qualname, obj, is_method in progress(commands, "torch docstrings", show_progress):
        short = qualname.rsplit(".", 1)[-1]
        lines, src, rest = object_signatures(obj, short, method=is_method)
        # an object without a docstring has no page on the site: no URL rather than a guess
        url = doc_url(qualname, have) if src == "docstring" or rest.strip() else None
        cmd = build_command(qualname, lines, src, rest, url, stats,
                            google_types(rest))
        aliases = tuple(n for n in names_of[id(obj)] if n != qualname)
        cat.add(Command(**{**cmd.__dict__, "aliases": aliases}))
    stats.seconds = time.perf_counter() - t0
    return cat, stats


def scrape_html(source: str | Path, version: str | None = None, online: bool = False,
                cache_dir: str | Path | None = None,
                show_progress: bool = True) -> tuple[Catalog, ParseStats]:
    """From pytorch.org-style Sphinx pages: a folder (``**/*.html``) or the site's base URL."""
    from .http import Fetcher

    t0 = time.perf_counter()
    stats = ParseStats()
    if is_url(str(source)):
        version = site_version(str(source), version, installed_version(), r"/docs/(\d+\.\d+)/")
        fetcher = Fetcher(cache_dir or default_cache_dir(), online=online)
        urls = site_pages(str(source), INDEX_PAGES, fetcher,
                          lambda u: "/generated/" in u and u.endswith(".html"))
        pages = ((u, fetcher.get(u)) for u in progress(urls, "pytorch.org", show_progress))
        label = str(source)
    else:
        version = version or installed_version()
        pages = folder_pages(source)
        label = _relative(source)
    cat = Catalog(FRAMEWORK, version, label, "threepio.scrapers.torch_docs (html)")
    for _, html in pages:
        for entry in parse_page(html):
            if not in_scope(entry.id):
                continue
            cat.add(entry_command(entry, entry.id, doc_url(entry.id, version), stats))
    stats.seconds = time.perf_counter() - t0
    return cat, stats


def _relative(path) -> str:
    p = Path(path).resolve()
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()
