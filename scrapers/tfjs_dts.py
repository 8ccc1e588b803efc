"""A TF.js catalog from the installed ``@tensorflow/tfjs-core`` package: its ``dist/**/*.d.ts``
declarations and their JSDoc. A declaration is public when its JSDoc carries the ``@doc`` tag
the TF.js site is generated from (``@doc {heading: 'Operations', subheading: 'Images',
namespace: 'image'}``); the same naming as :mod:`.tfjs_docs` applies:

    declare function abs_<T extends Tensor>(x: T | TensorLike): T;     -> tf.abs
    export declare const abs: typeof abs_;
    static sgd(learningRate: number): SGDOptimizer;   (namespace 'train') -> tf.train.sgd
    print(verbose?: boolean): void;                  (in class Tensor)    -> tf.Tensor.print

Functions the package exports at the top level without ``@doc`` (``tf.maxPool`` lost its tag in
2.x) are commands too, without a documentation URL. Declarations are parsed with
``tfjs.lark``; one that does not parse is kept with ``parsed: false``. :func:`compare` sets
this catalog against the API-data one of the same release (``python -m
threepio.scrapers.tfjs_dts`` prints it for the installed package).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from threepio.catalog.model import Catalog, Command
from threepio.errors import RuleFileError

from .dts_exports import exported_names
from .tfjs_docs import SITE, summary
from .tfjs_signature import parse_declaration

SCRAPER = "threepio.scrapers.tfjs_dts"

_JSDOC = re.compile(r"/\*\*((?:(?!\*/).)*)\*/", re.S)
_DOC_TAG = re.compile(r"@doc\s*(\{[^}]*\})")
_CLASS = re.compile(r"^(?:export )?declare (?:abstract )?class (\w+)", re.M)


def package_dir() -> Path:
    """The installed ``@tensorflow/tfjs-core`` of this checkout."""
    return Path(__file__).resolve().parents[1] / "node_modules" / "@tensorflow" / "tfjs-core"


def package_for(version: str, online: bool = False) -> Path | None:
    """An unpacked ``@tensorflow/tfjs-core`` of ``version``: the installed one, one unpacked in
    the cache (``<cache>/npm/tfjs-core-<version>``), or, with ``online``, one fetched with
    ``npm pack`` into the cache. None when there is none."""
    if installed_version() == version:
        return package_dir()
    from .tfjs_docs import cache_dir

    dest = cache_dir().parent / "npm" / f"tfjs-core-{version}"
    if installed_version(dest) == version:
        return dest
    tgz = dest.with_name(f"tensorflow-tfjs-core-{version}.tgz")
    if not tgz.exists() and online:
        import subprocess

        tgz.parent.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(["npm", "pack", f"@tensorflow/tfjs-core@{version}",
                            "--pack-destination", str(tgz.parent)], capture_output=True,
                           text=True)
        if r.returncode != 0:
            raise RuleFileError(f"npm pack @tensorflow/tfjs-core@{version} failed: "
                                f"{r.stderr.strip()[-300:]}")
    if tgz.exists():
        unpack(tgz, dest)
        return dest
    return None


def unpack(tgz: Path, dest: Path):
    """The declaration files and package.json of an npm tarball, into ``dest`` (all or nothing:
    a member outside the package aborts the unpacking)."""
    import shutil
    import tarfile
    import tempfile

    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp, tarfile.open(tgz) as tar:
        keep = [m for m in tar.getmembers() if m.isfile() and m.name.startswith("package/")
                and (m.name == "package/package.json" or m.name.endswith(".d.ts"))]
        for m in keep:
            m.name = m.name.removeprefix("package/")
        tar.extractall(Path(tmp) / "pkg", members=keep, filter="data")
        shutil.rmtree(dest, ignore_errors=True)
        (Path(tmp) / "pkg").rename(dest)


def installed_version(root: Path | None = None) -> str | None:
    try:
        return json.loads(((root or package_dir()) / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def scrape(version: str | None = None, source: str | Path | None = None,
           online: bool = False) -> Catalog:
    """The catalog of the tfjs-core package at ``source`` (default: the installed one). Its
    version is the package's; a different ``version`` is an error (install that release)."""
    root = Path(source) if source is not None else package_dir()
    found = installed_version(root)
    if found is None:
        raise RuleFileError(f"{root} is not an installed @tensorflow/tfjs-core (no package.json "
                            "with a version)")
    if version is not None and version != found:
        raise RuleFileError(f"{root} holds tfjs-core {found}, not {version}; install that "
                            "release or scrape its API data (threepio scrape tfjs --version "
                            f"{version})")
    cat = Catalog("tfjs", found, f"npm:@tensorflow/tfjs-core@{found} (dist/**/*.d.ts)", SCRAPER)
    exported = exported_names(root / "dist" / "index.d.ts")
    files = [p for p in sorted((root / "dist").rglob("*.d.ts"))
             if not p.name.endswith("_test.d.ts")]
    documented_classes = {}
    for path in files:
        text = path.read_text()
        for cmd in file_commands(text, found):
            cat.commands.setdefault(cmd.name, cmd)
        blocks = [(m.start(), m.end(), m.group(1)) for m in _JSDOC.finditer(text)]
        documented_classes.update({c.name: c.qualified for c in _classes(text, blocks)
                                   if c.documented and exported.get(c.name) == path.resolve()})
    for path in files:
        for cmd in undocumented_commands(path.read_text(), path.resolve(), exported,
                                         documented_classes):
            cat.commands.setdefault(cmd.name, cmd)
    return cat


_FUNCTION = re.compile(r"^(export )?declare function ([\w$]+)", re.M)


_MEMBER = r"^{indent}((?:(?:static|abstract|readonly|async) )*)([\w$]+)\??[<(]"
_AUGMENT = re.compile(r"^declare module '[^']*/tensor' \{\s*interface (\w+)\b", re.M)


def undocumented_commands(text: str, path: Path, exported: dict[str, Path],
                          documented_classes: dict[str, str]):
    """What the package exports without an ``@doc`` tag, so the site does not list it: top-level
    functions (``tf.maxPool`` from 2.x on) and the public methods of documented classes,
    declared in the class or added to it by a module augmentation (``tf.Tensor.reshape``, the
    chained ops). They have no documentation URL."""
    blocks = {m.end(): m.group(1) for m in _JSDOC.finditer(text)}
    yield from _members(text, blocks, documented_classes)
    for m in _FUNCTION.finditer(text):
        name = m.group(2)
        if not m.group(1):
            alias = re.search(rf"^export declare const ([\w$]+): typeof {re.escape(name)};", text,
                              re.M)
            if alias is None:
                continue
            name = alias.group(1)
        if exported.get(name) != path:
            continue
        before = text[:m.start()].rstrip()
        jsdoc = next((j for end, j in blocks.items() if end == len(before)), "")
        decl = _declaration(text, m.start())
        if _DOC_TAG.search(jsdoc) or decl is None:
            continue
        parsed = parse_declaration(decl)
        params = tuple(p for p in parsed.params if p.name != "this") if parsed else ()
        yield Command(f"tf.{name}", params, parsed.returns if parsed else None,
                      summary(_jsdoc_text(jsdoc)), None, decl, parsed is not None)


def _members(text: str, blocks: dict[int, str], documented_classes: dict[str, str]):
    class_members = re.compile(_MEMBER.format(indent=" " * 4), re.M)
    augmented = re.compile(_MEMBER.format(indent=" " * 8), re.M)
    spans = [(c.start, c.end, c.name, class_members)
             for c in _classes(text, [(0, e, j) for e, j in blocks.items()])]
    spans += [(m.start(), _class_end(text, m.start()), m.group(1), augmented)
              for m in _AUGMENT.finditer(text)]
    for start, end, cls, member in spans:
        if cls not in documented_classes:
            continue
        for m in member.finditer(text, start, end):
            if m.group(2) == "constructor" or "static" in m.group(1):
                continue
            before = text[:m.start()].rstrip()
            jsdoc = next((j for e, j in blocks.items() if e == len(before)), "")
            decl = _declaration(text, m.start())
            if decl is None or _DOC_TAG.search(jsdoc):
                continue
            parsed = parse_declaration(decl)
            params = tuple(p for p in parsed.params if p.name != "this") if parsed else ()
            yield Command(f"tf.{documented_classes[cls]}.{m.group(2)}", params,
                          parsed.returns if parsed else None, summary(_jsdoc_text(jsdoc)), None,
                          decl, parsed is not None)


def file_commands(text: str, version: str):
    """The documented commands of one ``.d.ts`` file."""
    blocks = [(m.start(), m.end(), m.group(1)) for m in _JSDOC.finditer(text)]
    classes = _classes(text, blocks)
    for i, (start, end, jsdoc) in enumerate(blocks):
        tag = _DOC_TAG.search(jsdoc)
        decl = _declaration(text, end)
        if tag is None or decl is None:
            continue
        info = _doc_info(tag.group(1))
        description = _jsdoc_text(jsdoc)
        if not description and i and text[blocks[i - 1][1]:start].strip() == "":
            description = _jsdoc_text(blocks[i - 1][2])   # `/** text */ /** @doc {...} */`
        owner = next((c for c in classes if start in c), None)
        parsed = parse_declaration(decl)
        name = parsed.name if parsed else _name_of(decl)
        if name is None:
            continue
        if owner is not None and not (parsed and "static" in parsed.modifiers):
            qual = anchor = f"tf.{owner.qualified}.{name}"
        else:
            name = name.removesuffix("_")
            ref = f"{info['namespace']}.{name}" if info.get("namespace") else name
            qual, anchor = f"tf.{ref}", ref
        params = tuple(p for p in parsed.params if p.name != "this") if parsed else ()
        yield Command(qual, params, parsed.returns if parsed else None, summary(description),
                      SITE.format(version=version) + "#" + anchor, decl, parsed is not None)


_OPEN, _CLOSE = "([{", ")]}"


def _declaration(text: str, pos: int) -> str | None:
    """The declaration starting after ``pos`` (a JSDoc's end), up to its ``;`` outside any
    brackets, on one line; None for a class, an interface or another comment."""
    i = len(text) - len(text[pos:].lstrip())
    if text.startswith(("/*", "//"), i) or re.match(
            r"(?:export )?(?:declare )?(?:abstract )?(?:class|interface|type|enum|namespace)\b",
            text[i:]):
        return None
    depth, j, quote = 0, i, None
    while j < len(text):
        ch = text[j]
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif ch == ";" and depth == 0:
            return re.sub(r"\s*\n\s*", " ", text[i:j + 1])
        j += 1
    return None


@dataclass(frozen=True)
class _Class:
    start: int
    end: int
    name: str
    namespace: str | None
    documented: bool          # the class itself or one of its members carries @doc

    def __contains__(self, pos: int) -> bool:
        return self.start < pos < self.end

    @property
    def qualified(self) -> str:
        return f"{self.namespace}.{self.name}" if self.namespace else self.name


def _classes(text: str, blocks) -> list[_Class]:
    out = []
    for m in _CLASS.finditer(text):
        end = _class_end(text, m.start())
        doc = next((b[2] for b in blocks if text[b[1]:m.start()].strip() == ""), "")
        tag = _DOC_TAG.search(doc)
        inner = any(m.start() < b[0] < end and _DOC_TAG.search(b[2]) for b in blocks)
        out.append(_Class(m.start(), end, m.group(1),
                          _doc_info(tag.group(1)).get("namespace") if tag else None,
                          bool(tag) or inner))
    return out


def _class_end(text: str, start: int) -> int:
    """Where the class declared at ``start`` ends: its closing brace at column 0."""
    m = re.compile(r"^}", re.M).search(text, start)
    return m.end() if m else len(text)


def _doc_info(obj: str) -> dict[str, str]:
    """``{heading: 'Operations', namespace: 'image'}`` -> its string fields (never eval'd)."""
    return dict(re.findall(r"(\w+)\s*:\s*['\"]([^'\"]*)['\"]", obj))


def _name_of(decl: str) -> str | None:
    m = re.match(r"(?:(?:export|declare|static|abstract|async)\s+)*(?:function\s+)?([\w$]+)",
                 decl)
    return m.group(1) if m else None


def _jsdoc_text(jsdoc: str) -> str:
    """The description of a JSDoc block: its lines without the leading ``*``, up to the first
    ``@tag``."""
    lines = [re.sub(r"^\s*\* ?", "", ln) for ln in jsdoc.splitlines()]
    text = "\n".join(lines)
    return re.split(r"^\s*@\w+", text, maxsplit=1, flags=re.M)[0].strip()


@dataclass
class Comparison:
    """Two catalogs of one release: which commands only one has, and which differ in their
    parameter names or count."""

    left: str
    right: str
    only_left: list[str] = field(default_factory=list)
    only_right: list[str] = field(default_factory=list)
    params_differ: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    common: int = 0

    def __str__(self) -> str:
        out = [f"{self.common} commands in both {self.left} and {self.right}",
               f"only in {self.left} ({len(self.only_left)}): {', '.join(self.only_left)}",
               f"only in {self.right} ({len(self.only_right)}): {', '.join(self.only_right)}",
               f"parameters differ ({len(self.params_differ)}):"]
        out += [f"  {n}: ({', '.join(a)}) vs ({', '.join(b)})" for n, a, b in self.params_differ]
        return "\n".join(out)


def compare(left: Catalog, right: Catalog, left_name: str = "API data",
            right_name: str = ".d.ts") -> Comparison:
    cmp = Comparison(left_name, right_name)
    cmp.only_left = sorted(set(left.commands) - set(right.commands))
    cmp.only_right = sorted(set(right.commands) - set(left.commands))
    for name in sorted(set(left.commands) & set(right.commands)):
        cmp.common += 1
        a, b = left.commands[name], right.commands[name]
        if a.parsed and b.parsed and [p.name for p in a.params] != [p.name for p in b.params]:
            cmp.params_differ.append((name, [p.name for p in a.params],
                                      [p.name for p in b.params]))
    return cmp


def merge(docs: Catalog, dts: Catalog) -> Catalog:
    """The API-data catalog plus the commands only the package declares (exported but not
    documented); the documented entries win where both have a command."""
    if (docs.framework, docs.version) != (dts.framework, dts.version):
        raise RuleFileError(f"cannot merge {docs.ref} with {dts.ref}: different releases")
    out = Catalog(docs.framework, docs.version, f"{docs.source} + {dts.source}",
                  f"{docs.scraper} + {dts.scraper}", dict(docs.commands))
    for name, cmd in dts.commands.items():
        out.commands.setdefault(name, cmd)
    return out


def main() -> int:
    from .tfjs_docs import scrape_api_data

    dts = scrape()
    print(f"d.ts: {dts.stats()}")
    print(compare(scrape_api_data(dts.version), dts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
