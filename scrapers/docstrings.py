"""What the installed-package scrapers read from a Python object: its signature lines (from the
docstring, as Sphinx's ``autodoc_docstring_signature`` does, else from ``inspect``), a one-line
summary and the documented parameter types (Google-style ``Args:`` as in PyTorch, numpydoc
``Parameters`` sections as in NumPy).

Reading a signature the way Sphinx autodoc does makes the installed-package catalog and the
catalog scraped from the documentation site agree on the same object.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from threepio.catalog.model import Command, Param

from .pysig import SignatureError, parse_signature, signature_lines


@dataclass
class ParseStats:
    """Signature lines seen and parsed, per source (``docstring``, ``inspect``, ``html``)."""

    seen: Counter = field(default_factory=Counter)
    parsed: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)     # (name, source, text, error first line)
    seconds: float = 0.0                              # how long the scrape took

    def count(self, source: str, ok: bool, name: str = "", text: str = "", error: str = ""):
        self.seen[source] += 1
        self.parsed[source] += ok
        if not ok:
            self.failures.append((name, source, text, error))

    def summary(self) -> dict:
        return {s: {"lines": self.seen[s], "parsed": self.parsed[s],
                    "rate": round(self.parsed[s] / self.seen[s], 4) if self.seen[s] else 0.0}
                for s in sorted(self.seen)}


def object_signatures(obj, name: str, *, method: bool = False) -> tuple[list[str], str, str]:
    """``(signature lines, source, docstring without them)`` of ``obj`` documented as ``name``.

    ``source`` is ``docstring``, ``inspect`` or ``none``. For a method read with ``inspect``,
    the first parameter (``self``) is dropped, as Sphinx does for methods."""
    doc = inspect.getdoc(obj) if _own_doc(obj) else None
    lines, rest = signature_lines(doc, name)
    real = getattr(obj, "__name__", None)
    if not lines and isinstance(real, str) and real != name:   # an alias: np.abs is absolute
        lines, rest = signature_lines(doc, real)
    if lines:
        return lines, "docstring", rest
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return [], "none", doc or ""
    if method and sig.parameters:
        first = next(iter(sig.parameters.values()))
        if first.kind in (first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD):
            sig = sig.replace(parameters=list(sig.parameters.values())[1:])
    text = _ADDRESS.sub("", f"{name}{sig}")    # `<function f at 0x7f..>`: not reproducible
    return [" ".join(text.split())], "inspect", doc or ""


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]{6,16}(?=>)")


def _own_doc(obj) -> bool:
    """False for objects whose docstring is their type's (a ufunc instance's is its own)."""
    doc = getattr(obj, "__doc__", None)
    return isinstance(doc, str) and (isinstance(obj, type) or doc != type(obj).__doc__)


def build_command(qualname: str, lines: list[str], source: str, doc: str, url: str | None,
                  stats: ParseStats, types: dict[str, str] | None = None) -> Command:
    """A catalog command from signature lines (the first one gives the parameters; the others
    are overloads, kept in ``signature``)."""
    summary = one_line_summary(doc)
    if not lines:
        return Command(qualname, summary=summary, url=url, parsed=False)
    params: tuple[Param, ...] = ()
    returns = None
    ok = True
    try:
        _, params, returns = parse_signature(lines[0])
    except SignatureError as e:
        ok = False
        stats.count(source, False, qualname, lines[0], str(e).splitlines()[0])
    else:
        stats.count(source, True)
    for extra in lines[1:]:                       # overloads count as lines of their source
        try:
            parse_signature(extra)
            stats.count(source, True)
        except SignatureError as e:
            stats.count(source, False, qualname, extra, str(e).splitlines()[0])
    if types:
        params = tuple(p if p.type is not None or p.name not in types else
                       replace(p, type=types[p.name]) for p in params)
    return Command(qualname, params, returns, summary, url, "\n".join(lines), ok)


# -- summaries -------------------------------------------------------------------------------

_ROLE = re.compile(r":[\w:.-]+:`~?([^`<]*?)\s*(?:<[^`>]*>)?`")
_LITERAL = re.compile(r"``([^`]*)``|`([^`]*)`")


def clean_rst(text: str) -> str:
    """Inline RST as a reader sees it: roles and literals become their text."""
    text = _ROLE.sub(lambda m: m.group(1).rsplit(".", 1)[-1] if m.group(0).count("~") else
                     m.group(1), text)
    text = _LITERAL.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    return " ".join(text.replace("\\", "").split())


def one_line_summary(doc: str | None) -> str:
    """The first sentence of the first prose paragraph (directives, headings and signature-
    looking lines skipped)."""
    if not doc:
        return ""
    para: list[str] = []
    for line in inspect.cleandoc(doc).splitlines():
        s = line.strip()
        if not s:
            if para:
                break
            continue
        if not para and (s.startswith("..") or set(s) <= set("-=~^")):
            continue
        if line[:1].isspace() and not para:
            continue
        para.append(s)
    return first_sentence(clean_rst(" ".join(para)))


#: a full stop followed by a space or the end (not "e.g." / "i.e." / "etc." / "vs.")
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)\.(?=\s|$)")


def first_sentence(text: str) -> str:
    m = _SENTENCE_END.search(text)
    return text[:m.start() + 1] if m else text


# -- documented parameter types ----------------------------------------------------------------

_GOOGLE_HEAD = re.compile(r"^\s*(Args|Arguments|Parameters|Keyword args|Keyword arguments)\s*:\s*$")
_GOOGLE_ITEM = re.compile(r"^(\s*)\*{0,2}(\w+)\s*\(([^)]*(?:\([^)]*\)[^)]*)*)\)\s*:")


def google_types(doc: str | None) -> dict[str, str]:
    """``{name: type}`` from Google-style sections (``input (Tensor): the input tensor.``)."""
    types: dict[str, str] = {}
    if not doc:
        return types
    lines = inspect.cleandoc(doc).splitlines()
    in_section, indent = False, None
    for line in lines:
        if _GOOGLE_HEAD.match(line):
            in_section, indent = True, None
            continue
        if not in_section:
            continue
        if line.strip() and not line[:1].isspace():
            in_section = False
            continue
        m = _GOOGLE_ITEM.match(line)
        if m and (indent is None or len(m.group(1)) == indent):
            indent = len(m.group(1))
            types.setdefault(m.group(2), clean_rst(m.group(3)))
    return types


_NUMPYDOC_HEAD = re.compile(r"^\s*(Parameters|Other Parameters)\s*$")


def numpydoc_types(doc: str | None) -> dict[str, str]:
    """``{name: type}`` from numpydoc ``Parameters`` sections (``x1, x2 : array_like``)."""
    types: dict[str, str] = {}
    if not doc:
        return types
    lines = inspect.cleandoc(doc).splitlines()
    i = 0
    while i < len(lines):
        if _NUMPYDOC_HEAD.match(lines[i]) and i + 1 < len(lines) and \
                set(lines[i + 1].strip()) == {"-"}:
            base = len(lines[i]) - len(lines[i].lstrip())
            i += 2
            while i < len(lines):
                line = lines[i]
                if line.strip() and len(line) - len(line.lstrip()) == base:
                    if i + 1 < len(lines) and set(lines[i + 1].strip()) == {"-"}:
                        break                              # the next section
                    names, sep, typ = line.strip().partition(" : ")
                    if not sep and line.strip().endswith(" :"):
                        names, typ = line.strip()[:-2], ""
                    for n in names.split(","):
                        n = n.strip().lstrip("*")
                        if re.fullmatch(r"\w+", n) and typ.strip():
                            types.setdefault(n, clean_rst(typ))
                i += 1
            continue
        i += 1
    return types
