"""Google-style docstring sections (``Args:``, ``Returns:``), as TensorFlow writes them.

    Args:
      x: A `Tensor`. Must be one of the following types: ...
        continued, more indented.
      axis (int): The dimension.  Defaults to `None`.
      *args: Passed through.

    Returns:
      A `Tensor`. Has the same type as `x`.

A line parser, not a grammar: the structure is indentation (an entry starts at the section's
first indentation, continuation lines are indented further), which a context-free grammar only
expresses through a custom indenter; the per-line form also lets each failure name its line.
An ``Args:`` line that is neither an entry nor a continuation is reported, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SECTION = re.compile(r"^(\s*)(Args|Arguments|Keyword Args|Keyword Arguments|Returns|Return|"
                     r"Yields|Raises|Examples?|Notes?|References|See Also|Usage Example|"
                     r"Example usage|Warning|Attributes|Compatibility.*|For example):\s*$")
#: `name: text`, `name (type): text`, `*args: text`; a type may hold one level of parentheses
ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_]\w*)\s*"
                   r"(?:\(([^()]*(?:\([^()]*\)[^()]*)*)\))?\s*:(?:\s+(.*))?$")
#: an entry whose first sentence names its type: "A `Tensor`.", "An integer scalar `Tensor`."
LEADING_TYPE = re.compile(r"^(?:An?)\s+(?=\S)")
MAX_TYPE = 80
_SENTENCE_END = re.compile(r"`[^`]*`|[.!?](?=\s|$)")


@dataclass(frozen=True)
class Arg:
    name: str
    type: str | None          # "(type)" after the name, as written
    description: str          # whitespace-collapsed

    @property
    def documented_type(self) -> str | None:
        """The explicit ``(type)``, else the description's first sentence when it is a noun phrase
        naming a type ("A `Tensor`." -> ``Tensor``; see :func:`leading_type`)."""
        return self.type or leading_type(self.description)


@dataclass
class Docstring:
    summary: str = ""
    args: list[Arg] = field(default_factory=list)
    has_args: bool = False
    returns: str | None = None
    errors: list[str] = field(default_factory=list)   # "line N: why", for the Args section

    def arg(self, name: str) -> Arg | None:
        return next((a for a in self.args if a.name.lstrip("*") == name), None)


def collapse(text: str) -> str:
    return " ".join(text.split())


def leading_type(description: str) -> str | None:
    """TF documents types in prose: the first sentence, when it starts with "A"/"An", mentions
    a `literal` and is short, is the type as written, article and backticks dropped
    ("A `list` of integers, or a 1-D `Tensor`." -> ``list of integers, or a 1-D Tensor``)."""
    m = LEADING_TYPE.match(description)
    if not m:
        return None
    end = _SENTENCE_END.search(description)
    while end and end.group(0).startswith("`"):
        end = _SENTENCE_END.search(description, end.end())
    sentence = description[m.end():end.start() if end else len(description)]
    phrase = collapse(sentence.replace("`", ""))
    return phrase if "`" in sentence and len(phrase) <= MAX_TYPE else None


def parse(doc: str | None) -> Docstring:
    """Summary (first line), ``Args`` entries and the first paragraph of ``Returns``."""
    out = Docstring()
    if not doc:
        return out
    lines = doc.expandtabs().splitlines()
    out.summary = brief(lines)
    i = 0
    while i < len(lines):
        m = SECTION.match(lines[i])
        if not m:
            i += 1
            continue
        indent, title = len(m.group(1)), m.group(2)
        body_start = i + 1
        j = body_start
        while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > indent):
            j += 1
        body = lines[body_start:j]
        if title in ("Args", "Arguments", "Keyword Args", "Keyword Arguments"):
            out.has_args = True
            _parse_args(body, body_start + 1, out)
        elif title in ("Returns", "Return", "Yields") and out.returns is None:
            out.returns = _first_paragraph(body)
        i = j
    return out


def brief(lines: list[str]) -> str:
    """The one-line summary, by the api_generator's rule: the first line when it ends a sentence
    (``.``, ``!``, ``?``, ``)``), else the first sentence of the first paragraph."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    if not lines:
        return ""
    first = lines[0].strip()
    if first.endswith((".", "!", "?", ")")) or first.isupper():
        return first
    para = []
    for line in lines:
        if not line.strip():
            break
        para.append(line.strip())
    text = " ".join(para)
    m = _SENTENCE_END.search(text)
    while m and m.group(0).startswith("`"):      # a period inside `code` ends nothing
        m = _SENTENCE_END.search(text, m.end())
    return collapse(text[:m.end()] if m else text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _first_paragraph(body: list[str]) -> str | None:
    para: list[str] = []
    for line in body:
        if not line.strip():
            if para:
                break
            continue
        para.append(line.strip())
    return collapse(" ".join(para)) or None


def _parse_args(body: list[str], first_lineno: int, out: Docstring):
    entry_indent = next((_indent(ln) for ln in body if ln.strip()), None)
    if entry_indent is None:
        out.errors.append(f"line {first_lineno}: empty Args section")
        return
    current: list | None = None        # [name, type, [description lines]]

    def flush():
        if current is not None:
            out.args.append(Arg(current[0], current[1], collapse(" ".join(current[2]))))

    for k, line in enumerate(body):
        if not line.strip():
            continue
        if _indent(line) == entry_indent:
            m = ENTRY.match(line.strip())
            if m:
                flush()
                current = [m.group(1), m.group(2) and collapse(m.group(2)), [m.group(3) or ""]]
                continue
            out.errors.append(f"line {first_lineno + k}: not an `name: description` entry: "
                              f"{line.strip()[:60]!r}")
            continue
        if _indent(line) > entry_indent and current is not None:
            current[2].append(line.strip())
            continue
        out.errors.append(f"line {first_lineno + k}: indented less than the entries: "
                          f"{line.strip()[:60]!r}")
    flush()
