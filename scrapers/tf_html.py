"""tensorflow.org ``api_docs`` pages, as TensorFlow's api_generator renders them, into a catalog.

    cat = scrape_pages("tests/data/docs/tf")                                  # a saved folder
    cat = scrape_pages("https://www.tensorflow.org/api_docs/python", online=True)

A source is a folder mirroring the site's paths (``tf.html`` for ``.../api_docs/python/tf``,
``tf/math/add.html`` for ``.../tf/math/add``; ``make_tf_fixture_pages`` writes one) or a base
URL, fetched through the polite cached :class:`~.http.Fetcher` (offline unless ``online``).

For each module of the scope, its page's ``Functions`` section lists the functions; each link
goes to the page of the canonical name (``tf.add`` links to ``tf/math/add``). A function page
gives the signature (``<pre class="... tfo-signature-link">``, parsed with ``pysig.lark``), the
summary (``<meta name="description">``), the ``Main aliases``, and the ``Args`` / ``Returns``
tables. Text is read with ``<code>`` as backticks, so the generator's Markdown (literal
backticks) and DevSite's HTML (``<code>``) read the same.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from threepio.catalog.model import Catalog, Command

from . import google_docstring
from .pysig import SignatureError, parse_signature
from .tf_docs import MODULES, SITE, ScrapeError, ScrapeReport, apply_docs, count_args, url_for

SCRAPER = "threepio.scrapers.tf_html"
_VERSION = re.compile(r"TensorFlow v(\d+\.\d+\.\d+\S*)")
_SITE_PATH = re.compile(r"api_docs/python/((?:tf)(?:/[\w.]+)*)")
_ALIAS = re.compile(r"\btf(?:\.\w+)+")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "threepio" / "pages"


class Pages:
    """Pages by site path (``tf/math/add``) from a folder or a base URL."""

    def __init__(self, source, *, online: bool = False, fetcher=None):
        text = str(source)
        self.url = text.rstrip("/") if re.match(r"https?://", text) else None
        if self.url is None:
            root = Path(source)
            if (root / "api_docs" / "python").is_dir():
                root = root / "api_docs" / "python"
            if not root.is_dir():
                raise ScrapeError(f"{source}: not a folder of tensorflow.org pages nor a URL; "
                                  "pass a folder written by make_tf_fixture_pages or "
                                  f"{SITE}")
            self.root = root
        else:
            from .http import Fetcher

            self.fetcher = fetcher or Fetcher(cache_dir(), online=online)

    def where(self, path: str) -> str:
        return f"{self.url}/{path}" if self.url else str(self.root / f"{path}.html")

    def get(self, path: str) -> str:
        if self.url:
            return self.fetcher.get(self.where(path))
        file = self.root / f"{path}.html"
        try:
            return file.read_text(encoding="utf-8")
        except OSError as e:
            raise ScrapeError(f"{file}: {e.strerror}; the folder lacks the page of "
                              f"{path.replace('/', '.')} (regenerate it with "
                              "`python -m threepio.scrapers.make_tf_fixture_pages`)") from None


def _soup(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _text(el) -> str:
    """Text with ``<code>`` as backticks, whitespace collapsed."""
    for code in el.find_all("code"):
        if code.find_parent("pre") is None:
            code.replace_with(f"`{code.get_text()}`")
    return google_docstring.collapse(el.get_text(" "))


_BLOCKS = ("p", "pre", "ul", "ol", "table", "div", "blockquote", "h3", "h4")


def first_paragraph(cell) -> str | None:
    """The first paragraph of a ``Returns`` cell: the generator leaves the Markdown text of a
    section as is inside its HTML, so a paragraph is either a ``<p>`` or text up to a blank
    line or a block element."""
    for code in cell.find_all("code"):
        if code.find_parent("pre") is None:
            code.replace_with(f"`{code.get_text()}`")
    for block in cell.find_all(_BLOCKS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    text = re.split(r"\n\s*\n", cell.get_text().strip())[0]
    return google_docstring.collapse(text) or None


def returns_text(rows) -> str | None:
    """``Returns`` as the docstring's first paragraph: a full-width cell, or a ``name: text``
    row (the generator makes ``output: The one-hot tensor.`` a two-column row)."""
    if not rows:
        return None
    cells = rows[0].find_all("td")
    if len(cells) == 2:
        return f"{_text(cells[0]).replace('`', '').strip()}: {first_paragraph(cells[1]) or ''}"
    return first_paragraph(cells[0])


def module_functions(html: str) -> list[tuple[str, str]]:
    """``[(short name, site path of its page)]`` from a module page's ``Functions`` section."""
    soup = _soup(html)
    head = next((h for h in soup.find_all("h2") if h.get_text().strip() == "Functions"), None)
    found = []
    if head is None:
        return found
    for sib in head.find_next_siblings():
        if sib.name == "h2":
            break
        for a in sib.find_all("a", href=True):
            m = _SITE_PATH.search(a["href"])
            label = a.get_text().strip().strip("`")
            if m and label.endswith("(...)"):
                found.append((label[:-5], m.group(1)))
    return found


def page_version(html: str) -> str | None:
    title = _soup(html).find("title")
    m = _VERSION.search(title.get_text()) if title else None
    return m.group(1) if m else None


def scrape_pages(source, *, version: str | None = None, online: bool = False,
                 modules: tuple[str, ...] = MODULES, report: ScrapeReport | None = None,
                 progress: bool = False, fetcher=None) -> Catalog:
    start = time.perf_counter()
    report = report if report is not None else ScrapeReport()
    pages = Pages(source, online=online, fetcher=fetcher)
    listed: dict[str, set[str]] = {}
    for mod in modules:
        for short, path in module_functions(pages.get(mod.replace(".", "/"))):
            listed.setdefault(path.replace("/", "."), set()).add(f"{mod}.{short}")
    if not listed:
        raise ScrapeError(f"{source}: no module page lists a function (modules: "
                          f"{', '.join(modules)})")
    names = sorted(listed)
    cat = None
    for name in _progress(names, progress, "tensorflow.org pages"):
        html = pages.get(name.replace(".", "/"))
        if cat is None:
            found = page_version(html)
            if version is not None and found is not None and found != version:
                raise ScrapeError(f"{pages.where(name.replace('.', '/'))} documents TensorFlow "
                                  f"{found}, not {version}")
            cat = Catalog("tf", version or found or "unknown",
                          f"tensorflow.org api_docs pages from {source}; modules: "
                          f"{', '.join(modules)}", SCRAPER)
        cat.add(parse_function_page(html, name, listed[name], report))
    report.seconds = time.perf_counter() - start
    return cat


def _progress(items, enabled: bool, what: str):
    if not enabled:
        return items
    from rich.progress import track

    return track(items, description=what)


def _tables(soup) -> dict[str, list]:
    """``{"Args": [row, ...], "Returns": [...]}`` of the generator's titled tables."""
    out = {}
    for table in soup.find_all("table"):
        th = table.find("th")
        if th is None:
            continue
        rows = [tr for tr in table.find_all("tr") if tr.find("td") is not None]
        out.setdefault(th.get_text().strip(), rows)
    return out


def parse_function_page(html: str, name: str, listed: set[str],
                        report: ScrapeReport) -> Command:
    soup = _soup(html)
    meta = soup.find("meta", attrs={"name": "description"})
    summary = google_docstring.collapse(meta["content"]) if meta else ""
    aliases = set(listed)
    section = soup.find("section", class_="expandable")
    if section is not None:
        main = section.get_text(" ").split("Main aliases", 1)[-1].split("Compat aliases")[0]
        aliases |= set(_ALIAS.findall(main)) if "Main aliases" in section.get_text() else set()
    aliases.discard(name)
    tables = _tables(soup)
    doc = google_docstring.Docstring(summary=summary)
    if "Args" in tables:
        doc.has_args = True
        for k, tr in enumerate(tables["Args"]):
            cells = tr.find_all("td")
            if len(cells) != 2:
                doc.errors.append(f"Args row {k + 1}: {len(cells)} cells, expected 2")
                continue
            arg = _text(cells[0]).replace("`", "").strip()
            doc.args.append(google_docstring.Arg(arg, None, _text(cells[1])))
    doc.returns = returns_text(tables.get("Returns"))
    pre = soup.find("pre", class_="tfo-signature-link")
    url = url_for(name)
    if pre is None:
        report.failures.append((name, "no signature on the page"))
        return Command(name, (), doc.returns, summary, url, None, False, tuple(sorted(aliases)))
    line = signature_text(pre.get_text())
    try:
        _, params, annotated = parse_signature(line)
    except SignatureError as e:
        report.count_signature("html", False)
        report.failures.append((name, str(e).splitlines()[0]))
        return Command(name, (), doc.returns, summary, url, line, False, tuple(sorted(aliases)))
    report.count_signature("html", True)
    count_args(name, params, doc, report)
    return Command(name, apply_docs(params, doc), doc.returns or annotated, summary, url, line,
                   True, tuple(sorted(aliases)))


def signature_text(text: str) -> str:
    """``tf.math.add(\\n    x, y, name=None\\n)`` -> ``tf.math.add(x, y, name=None)``."""
    line = google_docstring.collapse(text)
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", line))
