"""Sphinx autodoc HTML pages (pytorch.org, numpy.org) into catalog commands.

An autodoc entry is ``<dl class="py function">`` (or ``method``, ``data``...) whose
``<dt class="sig sig-object py" id="torch.add">`` holds the signature and whose ``<dd>`` holds
the description, with a field list (``Parameters``) giving documented types. Extra ``dt.sig``
lines of the same ``dl``, and nested ``.. function::`` entries of the same name in its ``dd``,
are overloads. Both sites use this markup (pytorch.org with its theme, numpy.org with the
pydata theme and numpydoc); only the page chrome differs.

Pages come from a folder (``**/*.html``) or from a site: start pages are fetched and their
links to ``generated/`` pages followed, through :class:`~threepio.scrapers.http.Fetcher`
(cached, offline unless asked).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from threepio.catalog.model import Command
from threepio.errors import ThreepioError

from .docstrings import ParseStats, clean_rst, first_sentence
from .pysig import SignatureError, parse_signature

ENTRY_KINDS = ("function", "method", "data", "attribute", "staticmethod", "classmethod")


@dataclass(frozen=True)
class HtmlEntry:
    id: str                     # the anchor: torch.add, numpy.add, torch.Tensor.add
    signatures: tuple[str, ...]  # the first, then overloads, as text
    summary: str
    types: dict                 # documented parameter types from the field list


def _sig_text(dt) -> str:
    """The signature as the page shows it (permalink and ``[source]`` links removed)."""
    for junk in dt.select("a.headerlink, .viewcode-link"):
        junk.decompose()
    text = dt.get_text("").replace("\u00b6", "").replace("[source]", "")
    # Sphinx keeps RST escapes when it cannot parse the argument list (torch.randint's
    # `low=0, high, size, \*, ...`)
    text = text.replace("\\*", "*").replace("\\ ", " ")
    return " ".join(text.split()).replace("\u2192", "->")


def _field_types(dd) -> dict[str, str]:
    types: dict[str, str] = {}
    for fl in dd.find_all("dl", class_="field-list", recursive=False):
        for dt in fl.find_all("dt", recursive=False):
            if dt.get_text(" ", strip=True).rstrip(":").strip() not in (
                    "Parameters", "Other Parameters", "Keyword Arguments", "Keyword Args"):
                continue
            body = dt.find_next_sibling("dd")
            if body is None:
                continue
            for names_el in body.find_all("strong"):
                names = names_el.get_text(strip=True)
                classifier = names_el.find_next_sibling("span", class_="classifier")
                typ = None
                if classifier is not None:            # numpydoc: <span class="classifier">
                    typ = classifier.get_text(" ", strip=True)
                else:                                 # Sphinx fields: name (type) – text
                    tail = names_el.next_sibling
                    s = ""
                    while tail is not None and len(s) < 300:
                        s += tail.get_text(" ") if hasattr(tail, "get_text") else str(tail)
                        if "–" in s or "\u2013" in s or "--" in s:
                            break
                        tail = tail.next_sibling
                    s = re.split(r"\s[–-]+\s", s, maxsplit=1)[0]   # `(type) – description`
                    m = re.match(r"\s*\((.*)\)\s*$", s, re.S)
                    typ = m.group(1) if m else None
                if typ:
                    for n in names.split(","):
                        n = n.strip().lstrip("*")
                        if re.fullmatch(r"\w+", n):
                            types.setdefault(n, " ".join(typ.split()))
    return types


def parse_page(html: str) -> list[HtmlEntry]:
    """Every top-level autodoc entry with a signature on one page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    entries = []
    for dl in soup.select("dl.py"):
        if not set(dl.get("class", ())) & set(ENTRY_KINDS):
            continue
        if dl.find_parent("dl", class_="py") is not None:
            continue                                   # nested: an overload of its parent
        sigs = dl.find_all("dt", class_="sig", recursive=False)
        first = next((dt for dt in sigs if dt.get("id")), None)
        if first is None or not first.find(class_="sig-paren"):
            continue
        ident = first["id"]
        base = ident.rsplit(".", 1)[-1]
        texts = [_sig_text(dt) for dt in [first] + [d for d in sigs if d is not first]]
        dd = dl.find("dd", recursive=False)
        summary, types = "", {}
        if dd is not None:
            for nested in dd.select("dl.py"):
                for dt in nested.find_all("dt", class_="sig", recursive=False):
                    name = dt.find(class_="sig-name")
                    if name is not None and name.get_text(strip=True) == base:
                        t = _sig_text(dt)
                        if t not in texts:
                            texts.append(t)
            p = dd.find("p", recursive=False)
            if p is not None:
                summary = _first_sentence(" ".join(p.get_text(" ").split()))
            types = _field_types(dd)
        entries.append(HtmlEntry(ident, tuple(texts), summary, types))
    return entries


def _first_sentence(text: str) -> str:
    text = re.sub(r"\\[()\[\]]", "", text)          # MathJax delimiters \( \)
    return first_sentence(clean_rst(re.sub(r"\s+([,.;:)])", r"\1", text)))


def entry_command(entry: HtmlEntry, qualname: str, url: str | None,
                  stats: ParseStats) -> Command:
    """A catalog command from a page entry; the first signature gives the parameters."""
    from dataclasses import replace

    params, returns, ok = (), None, True
    for i, text in enumerate(entry.signatures):
        try:
            _, p, r = parse_signature(text)
        except SignatureError as e:
            stats.count("html", False, qualname, text, str(e).splitlines()[0])
            ok = ok and i > 0
            continue
        stats.count("html", True)
        if i == 0:
            params, returns = p, r
    params = tuple(p if p.type is not None or p.name not in entry.types else
                   replace(p, type=entry.types[p.name]) for p in params)
    return Command(qualname, params, returns, entry.summary, url, "\n".join(entry.signatures),
                   ok)


# -- where pages come from -------------------------------------------------------------------

class SourceError(ThreepioError):
    """An HTML source (folder or site) has no pages or cannot be read."""


def default_cache_dir() -> Path:
    """Where fetched pages are cached: ``$XDG_CACHE_HOME/threepio/pages`` (``~/.cache/...``)."""
    import os

    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "threepio" / "pages"


def site_version(source: str, version: str | None, installed: str, pattern: str) -> str:
    """The release a site's pages document: ``version`` when given, else the installed release
    when the URL names its major.minor (``/docs/2.13/``); otherwise an error, never a guess."""
    if version:
        return version
    m = re.search(pattern, source)
    if m and installed.split(".")[:2] == m.group(1).split("."):
        return installed
    raise SourceError(f"cannot tell which release {source} documents; pass the version "
                      f"(--version X.Y.Z)")


def is_url(source: str) -> bool:
    return bool(re.match(r"https?://", str(source)))


def folder_pages(folder: str | Path) -> Iterator[tuple[str, str]]:
    """``(relative path, html)`` of every page under ``folder``, sorted."""
    root = Path(folder)
    if not root.is_dir():
        raise SourceError(f"{folder}: not a folder of HTML pages (give a folder or an "
                          "https:// base URL)")
    files = sorted(root.rglob("*.html"))
    if not files:
        raise SourceError(f"{folder}: no .html pages found")
    for f in files:
        yield f.relative_to(root).as_posix(), f.read_text(encoding="utf-8")


def site_pages(base: str, start_pages: Iterable[str], fetcher, follow: Callable[[str], bool],
               expand: Callable[[str], bool] = lambda url: False) -> list[str]:
    """URLs of the pages linked from the start pages that ``follow`` accepts. Pages linked from
    a start page that ``expand`` accepts are read as index pages too (numpy's
    ``routines.*.html``); there is no deeper crawl."""
    from bs4 import BeautifulSoup

    found: set[str] = set()
    base = base.rstrip("/") + "/"
    todo = [(urljoin(base, start), 0) for start in start_pages]
    seen = {url for url, _ in todo}
    while todo:
        url, depth = todo.pop(0)
        soup = BeautifulSoup(fetcher.get(url), "html.parser")
        for a in soup.find_all("a", href=True):
            target = urldefrag(urljoin(url, a["href"]))[0]
            if not target.startswith(base):
                continue
            if follow(target):
                found.add(target)
            elif depth == 0 and target not in seen and expand(target):
                seen.add(target)
                todo.append((target, 1))
    return sorted(found)


def progress(items: list, description: str, enabled: bool):
    """``items`` with a rich progress bar on a terminal (a plain iterator otherwise)."""
    import sys

    if not enabled or not sys.stderr.isatty():
        return items
    from rich.progress import track

    return track(items, description=description, transient=True)
