"""TensorFlow's op-level public API as a catalog: from the installed package, or from
tensorflow.org's ``api_docs`` pages (``tf_html``).

    cat = scrape()                                            # the installed tensorflow
    cat = scrape(source="tests/data/docs/tf")                  # api_docs pages saved in a folder
    cat = scrape(source="https://www.tensorflow.org/api_docs/python", online=True)

The package scraper reads each function's ``inspect.signature`` and its Google-style docstring
(``Args:`` for documented types, ``Returns:``, the summary line by the api_generator's rule).
Commands are named as tensorflow.org names them: the ``tf_export`` canonical name
(``tf.math.add``), with the other public TF2 names as aliases (``tf.add``); the URL is the page of
the canonical name. Defaults are written as the site writes them (``tf.dtypes.float32``,
``tf.signal.hann_window``), and every signature line goes through the ``pysig.lark`` grammar, so
both sources give the same parameter text.

Scope (:data:`MODULES`): the top-level ``tf`` functions and the op modules. Left out, with why
(:data:`EXCLUDED`): ``tf.raw_ops`` (~1460 keyword-only wrappers of the C++ ops, more than twice
the rest together; rules emit the public wrappers, whose names and defaults differ) and
``tf.strings`` (string tensors, which no PyTorch program produces). Classes (``tf.Variable``,
``tf.TensorShape``...) are not commands here; functions are. A function of the scope whose
canonical name lies elsewhere keeps it (``tf.as_string`` is ``tf.strings.as_string``, with
``tf.as_string`` as an alias), as its page does.
"""

from __future__ import annotations

import enum
import inspect
import os
import re
import time
from dataclasses import dataclass, field, replace

from threepio.catalog.model import Catalog, Command, Param
from threepio.errors import BackendUnavailable, ThreepioError

from . import google_docstring
from .pysig import SignatureError, parse_signature

MODULES = ("tf", "tf.bitwise", "tf.image", "tf.linalg", "tf.math", "tf.nn", "tf.random",
           "tf.signal")
EXCLUDED = {
    "tf.raw_ops": "about 1460 keyword-only wrappers of the C++ ops (more than twice the rest); "
                  "rules call the public wrappers, whose argument names and defaults differ",
    "tf.strings": "string tensors: no PyTorch program produces one",
}
SITE = "https://www.tensorflow.org/api_docs/python"
SCRAPER = "threepio.scrapers.tf_docs"
_KINDS = {inspect.Parameter.POSITIONAL_ONLY: "positional_only",
          inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
          inspect.Parameter.VAR_POSITIONAL: "var_positional",
          inspect.Parameter.KEYWORD_ONLY: "keyword_only",
          inspect.Parameter.VAR_KEYWORD: "var_keyword"}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_CLASS_REPR = re.compile(r"<class '(?:[\w]+\.)*(\w+)'>")
_OPTIONAL = re.compile(r"^Optional\b|\(optional\)", re.IGNORECASE)


class ScrapeError(ThreepioError):
    """The scraper was asked for something it cannot read (another version, a missing page)."""


@dataclass
class ScrapeReport:
    """What a scrape measured: signatures seen/parsed per source, ``Args:`` sections parsed."""

    signatures: dict = field(default_factory=dict)   # source -> [seen, parsed]
    args_sections: int = 0           # commands whose docstring (or page) has an Args section
    args_clean: int = 0              # ... whose every line parsed as an entry or continuation
    args_matched: int = 0            # ... whose entry names are all parameters of the signature
    failures: list = field(default_factory=list)     # (name, what)
    seconds: float = 0.0

    def count_signature(self, source: str, ok: bool):
        seen = self.signatures.setdefault(source, [0, 0])
        seen[0] += 1
        seen[1] += ok

    def summary(self) -> dict:
        return {"signatures": {s: {"seen": n, "parsed": ok} for s, (n, ok) in
                               sorted(self.signatures.items())},
                "args_sections": self.args_sections, "args_clean": self.args_clean,
                "args_matched": self.args_matched, "seconds": round(self.seconds, 2)}


def url_for(name: str) -> str:
    return f"{SITE}/{name.replace('.', '/')}"


def scrape(version: str | None = None, source=None, online: bool = False, *,
           modules: tuple[str, ...] = MODULES, report: ScrapeReport | None = None,
           progress: bool = False) -> Catalog:
    """The catalog of TensorFlow ``version``: ``source`` None reads the installed package (which
    must be that version); a folder of saved pages or a base URL reads tensorflow.org's pages
    (offline unless ``online``: pages come from the fetcher's cache)."""
    if source is not None:
        from .tf_html import scrape_pages

        return scrape_pages(source, version=version, online=online, modules=modules,
                            report=report, progress=progress)
    return scrape_package(version, modules=modules, report=report)


def import_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        import tensorflow as tf
    except ImportError as e:
        raise BackendUnavailable(f"tensorflow is not installed ({e}); install the pinned "
                                 "tensorflow-cpu, or scrape tensorflow.org pages with --source"
                                 ) from None
    return tf


def scrape_package(version: str | None = None, *, modules: tuple[str, ...] = MODULES,
                   report: ScrapeReport | None = None) -> Catalog:
    start = time.perf_counter()
    report = report if report is not None else ScrapeReport()
    tf = import_tensorflow()
    if version is not None and version != tf.__version__:
        raise ScrapeError(f"the installed tensorflow is {tf.__version__}, not {version}; scrape "
                          f"{version} from its pages (--source URL) or install it")
    found, public = walk(tf, modules)
    cat = Catalog("tf", tf.__version__,
                  f"tensorflow {tf.__version__} (installed package: inspect.signature and "
                  f"Google-style docstrings); modules: {', '.join(modules)}", SCRAPER)
    for name in sorted(found):
        obj, names = found[name]
        cat.add(command_for(name, obj, names, public, report))
    report.seconds = time.perf_counter() - start
    return cat


def _module(tf, dotted: str):
    mod = tf
    for part in dotted.split(".")[1:]:
        mod = getattr(mod, part, None)
        if mod is None:
            raise ScrapeError(f"tensorflow {tf.__version__} has no module {dotted}")
    return mod


def walk(tf, modules):
    """``{canonical name: (function, every public name seen)}`` and ``{id: public name}`` of
    everything in the modules (classes too: defaults may be their members)."""
    from tensorflow.python.util import tf_decorator, tf_export

    by_id: dict[int, tuple] = {}
    public: dict[int, str] = {}
    for dotted in modules:
        mod = _module(tf, dotted)
        for short in sorted(dir(mod)):
            if short.startswith("_"):
                continue
            obj = getattr(mod, short)
            if inspect.ismodule(obj):
                continue
            full = f"{dotted}.{short}"
            canonical = tf_export.get_canonical_name_for_symbol(obj)
            public.setdefault(id(obj), f"tf.{canonical}" if canonical else full)
            if inspect.isclass(obj) or not callable(obj):
                continue
            by_id.setdefault(id(obj), (obj, set()))[1].add(full)
    found = {}
    for obj, names in by_id.values():
        canonical = tf_export.get_canonical_name_for_symbol(obj)
        v2 = {f"tf.{n}" for n in getattr(tf_decorator.unwrap(obj)[1], "_tf_api_names", ())}
        name = f"tf.{canonical}" if canonical else min(names, key=_doc_generator_score)
        found[name] = (obj, (names | v2) - {name})
    return found, public


def _doc_generator_score(name: str):
    """The api_generator's preference without ``tf_export``: ``tf.sub.f`` over ``tf.f`` over
    deeper names, non-experimental first, then alphabetical."""
    parts = name.split(".")
    return ("experimental" in name, -1 if len(parts) == 3 else len(parts), name)


def render_default(value, public: dict[int, str]) -> str:
    """A default as tensorflow.org writes it: literals as Python source, dtypes and public
    functions by their public names."""
    from tensorflow.python.framework.dtypes import DType

    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)
    if isinstance(value, DType):
        return f"tf.dtypes.{value.name}"
    if id(value) in public:
        return public[id(value)]
    if isinstance(value, enum.Enum) and id(type(value)) in public:
        return f"{public[id(type(value))]}.{value.name}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(render_default(v, public) for v in value)
        if isinstance(value, tuple):
            return f"({inner}{',' if len(value) == 1 else ''})"
        return f"[{inner}]"
    return _ADDRESS.sub("", repr(value))


def signature_line(name: str, sig: inspect.Signature, public: dict[int, str]) -> str:
    """``tf.math.add(x, y, name=None)``: the inspect signature with site-style defaults."""
    parts, star_done = [], False
    params = list(sig.parameters.values())
    for i, p in enumerate(params):
        if p.kind == p.KEYWORD_ONLY and not star_done:
            parts.append("*")
        if p.kind in (p.VAR_POSITIONAL, p.KEYWORD_ONLY):
            star_done = True
        text = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
        if p.annotation is not p.empty:
            text += ": " + render_annotation(p.annotation)
        if p.default is not p.empty:
            text += (" = " if p.annotation is not p.empty else "=") + \
                render_default(p.default, public)
        parts.append(text)
        if p.kind == p.POSITIONAL_ONLY and (i + 1 == len(params) or
                                            params[i + 1].kind != p.POSITIONAL_ONLY):
            parts.append("/")
    returns = ""
    if sig.return_annotation is not sig.empty:
        returns = " -> " + render_annotation(sig.return_annotation)
    return f"{name}({', '.join(parts)}){returns}"


def render_annotation(annotation) -> str:
    """An annotation as its source reads (``Annotated[Any, TV_Add_T]``): typing's repr without
    the ``~`` of type variables and with classes by their names."""
    text = _ADDRESS.sub("", inspect.formatannotation(annotation))
    return _CLASS_REPR.sub(r"\1", text.replace("~", ""))


def apply_docs(params: tuple[Param, ...], doc: google_docstring.Docstring) -> tuple[Param, ...]:
    """Documented types (and "optional" without a default) from the ``Args`` entries. The
    documented type wins over an annotation: TF's generated ops are annotated with
    ``Annotated[Any, TV_Add_T]``, which says less than "A `Tensor`"."""
    out = []
    for p in params:
        arg = doc.arg(p.name)
        if arg is not None:
            optional = p.default is None and p.kind not in ("var_positional", "var_keyword") \
                and bool(_OPTIONAL.search(arg.description))
            p = replace(p, type=arg.documented_type or p.type, optional=p.optional or optional)
        out.append(p)
    return tuple(out)


def count_args(name: str, params: tuple[Param, ...], doc: google_docstring.Docstring,
               report: ScrapeReport):
    if not doc.has_args:
        return
    report.args_sections += 1
    report.args_clean += not doc.errors
    names = {p.name for p in params}
    stray = [a.name for a in doc.args if a.name.lstrip("*") not in names]
    report.args_matched += not stray
    for err in doc.errors:
        report.failures.append((name, f"Args {err}"))
    if stray:
        report.failures.append((name, f"Args documents {', '.join(stray)}, not in the signature"))


def command_for(name: str, obj, aliases, public, report: ScrapeReport) -> Command:
    doc = google_docstring.parse(inspect.getdoc(obj))
    summary = doc.summary.replace("`", "")     # plain text, as the pages' description reads
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError) as e:
        report.failures.append((name, f"no inspect signature: {e}"))
        return Command(name, summary=summary, url=url_for(name), parsed=False,
                       aliases=tuple(sorted(aliases)), returns=doc.returns)
    line = signature_line(name, sig, public)
    try:
        _, params, annotated = parse_signature(line)
    except SignatureError as e:
        report.count_signature("inspect", False)
        report.failures.append((name, str(e).splitlines()[0]))
        return Command(name, (), doc.returns, summary, url_for(name), line, False,
                       tuple(sorted(aliases)))
    report.count_signature("inspect", True)
    count_args(name, params, doc, report)
    return Command(name, apply_docs(params, doc), doc.returns or annotated, summary,
                   url_for(name), line, True, tuple(sorted(aliases)))


def main(argv: list[str] | None = None) -> int:
    """``python -m threepio.scrapers.tf_docs [--write]``: scrape the installed package, print
    the measurements, and with ``--write`` update ``mappings/catalogs/tf/<version>.yaml``."""
    import json
    import sys

    from threepio.catalog.model import catalog_path, dump_catalog

    argv = sys.argv[1:] if argv is None else argv
    report = ScrapeReport()
    cat = scrape(report=report)
    print(json.dumps({**cat.stats(), **report.summary()}, indent=1))
    for name, what in report.failures[:20]:
        print(f"  {name}: {what}")
    if "--write" in argv:
        path = catalog_path("tf", cat.version)
        dump_catalog(cat, path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
