"""TF.js catalogs from the official API data: the ``tfjs-core.json`` file each release of
js.tensorflow.org/api/<version>/ renders from (``source/_data/api/<version>/tfjs-core.json`` of the
tensorflow/tfjs-website repository).

    cat = scrape("1.5.1")                    # the shared fixture of that release
    cat = scrape(source="tfjs-core.json")    # a local copy (its version read from the data)
    cat = scrape("4.22.0", online=True)      # the data file from GitHub, through the cache

Without a ``source``, when the ``@tensorflow/tfjs-core`` package of the same release is at hand
(installed, unpacked in the cache, or fetched with ``npm pack`` when ``online``), the catalog
also gets the functions the package exports without documenting them (:func:`.tfjs_dts.merge`;
``tf.maxPool`` is one from 2.x on). The catalog's ``source`` names what was read.

Qualified names follow the site: ``tf.abs``, ``tf.image.resizeBilinear`` (``namespace``),
``tf.Tensor.print`` (class methods; classes themselves are not commands). Parameters come from
``paramStr`` parsed with ``tfjs.lark`` (a string that does not parse gives ``parsed: false``);
their documented types from ``parameters``; a default only when the parameter's documentation
states one as a literal (``Defaults to `false```). URLs use the site's anchors: ``#abs``,
``#image.resizeBilinear``, ``#tf.Tensor.print``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from threepio.catalog.model import Catalog, Command, Param
from threepio.errors import RuleFileError

from .tfjs_signature import parse_paramstr

SITE = "https://js.tensorflow.org/api/{version}/"
DATA_URL = ("https://raw.githubusercontent.com/tensorflow/tfjs-website/master/source/_data/api/"
            "{version}/tfjs-core.json")
SCRAPER = "threepio.scrapers.tfjs_docs"


def fixtures_dir() -> Path:
    """The shared copies of the API data (``$THREEPIO_TFJS_API`` overrides)."""
    env = os.environ.get("THREEPIO_TFJS_API")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "docs" / "tfjs-api"


def fixture_versions() -> list[str]:
    found = [p.stem.removeprefix("tfjs-core-") for p in fixtures_dir().glob("tfjs-core-*.json")]
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".") if x.isdigit()))


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "threepio" / "pages"


def scrape(version: str | None = None, source: str | None = None,
           online: bool = False) -> Catalog:
    """The catalog of TF.js ``version`` from its API data (see the module docstring). A
    ``source`` that is a folder (an installed ``@tensorflow/tfjs-core``) is read from its
    ``.d.ts`` files instead (:mod:`threepio.scrapers.tfjs_dts`)."""
    from . import tfjs_dts

    if source is not None and Path(source).is_dir():
        return tfjs_dts.scrape(version, source)
    cat = scrape_api_data(version, source, online)
    package = tfjs_dts.package_for(cat.version, online) if source is None else None
    if package is not None:
        cat = tfjs_dts.merge(cat, tfjs_dts.scrape(cat.version, package))
    return cat


def scrape_api_data(version: str | None = None, source: str | None = None,
                    online: bool = False) -> Catalog:
    """The catalog of the API data alone (the shared fixture, ``source`` or the download)."""
    doc, where = _read(version, source, online)
    found = _data_version(doc)
    if version is None:
        version = found
    elif found is not None and found != version:
        raise RuleFileError(f"{where} documents TF.js {found}, not {version}")
    if version is None:
        raise RuleFileError(f"{where}: cannot tell which TF.js release this is; pass --version")
    cat = Catalog("tfjs", version, where, SCRAPER)
    for cmd in commands(doc, version):
        cat.add(cmd)
    return cat


def _read(version: str | None, source: str | None, online: bool) -> tuple[dict, str]:
    if source is not None and re.match(r"https?://", source):
        return _parse_json(_fetch(source, online), source), source
    if source is None:
        versions = fixture_versions()
        version = version or (versions[-1] if versions else None)
        path = fixtures_dir() / f"tfjs-core-{version}.json"
        if not path.exists():
            url = DATA_URL.format(version=version)
            if online or _cached(url):
                return _parse_json(_fetch(url, online), url), url
            raise RuleFileError(f"no API data for TF.js {version} in {fixtures_dir()} (have: "
                                f"{', '.join(versions) or 'none'}); pass --source FILE.json "
                                "or --online")
        source = str(path)
    try:
        text = Path(source).read_text()
    except OSError as e:
        raise RuleFileError(f"cannot read TF.js API data {source}: {e.strerror}") from None
    shared = fixtures_dir().parent.parent.parent
    label = (f"shared/{Path(source).resolve().relative_to(shared.resolve())}"
             if Path(source).resolve().is_relative_to(shared.resolve()) else source)
    return _parse_json(text, source), label


def _cached(url: str) -> bool:
    from .http import Fetcher

    return Fetcher(cache_dir()).path_for(url).exists()


def _fetch(url: str, online: bool) -> str:
    from .http import Fetcher

    return Fetcher(cache_dir(), online=online).get(url)


def _parse_json(text: str, where: str) -> dict:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise RuleFileError(f"{where}:{e.lineno}: not JSON: {e.msg}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("docs"), dict) \
            or not isinstance(doc["docs"].get("headings"), list):
        raise RuleFileError(f"{where}: not TF.js API data: expected {{docs: {{headings: [...]}}}}")
    return doc


def _data_version(doc: dict) -> str | None:
    """The release named by the data's GitHub links (``.../tree/tfjs-v4.22.0/...``)."""
    for sym in _symbols(doc):
        m = re.search(r"/tree/tfjs(?:-core)?-v([\d.]+)/", sym.get("githubUrl") or "")
        if m:
            return m.group(1)
    return None


def _symbols(doc: dict):
    for heading in doc["docs"]["headings"]:
        for sub in heading.get("subheadings") or ():
            yield from sub.get("symbols") or ()


def commands(doc: dict, version: str):
    """Every documented function and class method of the API data, as catalog commands."""
    site = SITE.format(version=version)
    for sym in _symbols(doc):
        ns = sym.get("namespace")
        ref = f"{ns}.{sym['symbolName']}" if ns else sym["symbolName"]
        if sym.get("isClass"):
            for m in sym.get("methods") or ():
                name = f"tf.{ref}.{m['symbolName']}"
                yield _command(name, m, site + "#" + name)
        elif "paramStr" in sym:
            yield _command(f"tf.{ref}", sym, site + "#" + ref)


def _command(name: str, sym: dict, url: str) -> Command:
    sig = sym.get("paramStr")
    params = parse_paramstr(sig) if sig is not None else ()
    documented = {p["name"].removeprefix("..."): p for p in sym.get("parameters") or ()}
    out = []
    for p in params or ():
        d = documented.get(p.name, {})
        out.append(Param(p.name, p.kind, documented_default(d.get("documentation") or ""),
                         _one_line(d.get("type")), p.optional))
    return Command(name, tuple(out), _one_line(sym.get("returnType")),
                   summary(sym.get("documentation") or ""), url, sig, params is not None)


def _one_line(t: str | None) -> str | None:
    return re.sub(r"\s+", " ", t).strip() if t else None


_LITERAL = (r"(?:-?\d+(?:\.\d+)?(?:e-?\d+)?|true|false|null|undefined"
            r"|'[^'`]*'|\"[^\"`]*\"|\[[^\]`]*\])")
_DEFAULT = re.compile(rf"[Dd]efaults? to (?:`({_LITERAL})`|({_LITERAL}))(?=[\s.,;)]|$)")


def documented_default(text: str) -> str | None:
    """The default a parameter's documentation states as a literal (``Defaults to `0```,
    ``Defaults to false.``), else None: prose (``defaults to the last axis``) is not a value."""
    m = _DEFAULT.search(re.sub(r"\s+", " ", text))
    return (m.group(1) or m.group(2)) if m else None


def summary(markdown: str) -> str:
    """The first sentence of a symbol's documentation, on one line."""
    para = re.split(r"\n\s*\n|```", markdown.strip(), maxsplit=1)[0]
    para = re.sub(r"\s+", " ", para).strip()
    m = re.match(r"(.+?[.!?])(?=\s+[A-Z`(]|$)", para)
    return m.group(1) if m else para
