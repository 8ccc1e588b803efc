"""What a TypeScript package exports, read from its ``.d.ts`` files: each exported name and the
file that declares it, following ``export * from``, ``export {a as b} from``, ``import`` then
``export {a}``, and local ``export declare ...`` statements.

    names = exported_names(Path("node_modules/@tensorflow/tfjs-core/dist/index.d.ts"))
    names["maxPool"]    # -> Path(".../dist/ops/max_pool.d.ts")

Only the statement forms ``tsc`` writes into declaration files are understood; a name whose
origin cannot be followed maps to the file that exports it.
"""

from __future__ import annotations

import re
from pathlib import Path

_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_FROM = r"""\s+from\s+['"]([^'"]+)['"]"""
_STAR = re.compile(r"export\s+\*" + _FROM)
_NAMED_FROM = re.compile(r"export\s+(?:type\s+)?\{([^}]*)\}" + _FROM)
_NAMED = re.compile(r"export\s+\{([^}]*)\}\s*;")
_IMPORT_NS = re.compile(r"import\s+\*\s+as\s+(\w+)" + _FROM)
_IMPORT = re.compile(r"import\s+(?:type\s+)?\{([^}]*)\}" + _FROM)
_DECLARED = re.compile(r"export\s+declare\s+(?:abstract\s+)?(?:const|let|var|function|class|enum|"
                       r"type|interface|namespace)\s+([\w$]+)|export\s+(?:type|interface)\s+([\w$]+)")


def exported_names(path: Path, _seen: dict | None = None) -> dict[str, Path]:
    """Every name the module at ``path`` exports -> the file declaring it."""
    seen = {} if _seen is None else _seen
    path = path.resolve()
    if path in seen:
        return seen[path]
    seen[path] = out = {}
    try:
        text = _COMMENTS.sub("", path.read_text())
    except OSError:
        return out
    imported = {}
    for names, spec in _IMPORT.findall(text):
        for orig, alias in _pairs(names):
            imported[alias] = (spec, orig)
    for alias, spec in _IMPORT_NS.findall(text):
        imported[alias] = (spec, None)
    for spec in _STAR.findall(text):
        for name, where in exported_names(_module(path, spec), seen).items():
            out.setdefault(name, where)
    for names, spec in _NAMED_FROM.findall(text):
        target = exported_names(_module(path, spec), seen)
        for orig, alias in _pairs(names):
            out[alias] = target.get(orig, _module(path, spec))
    for names in _NAMED.findall(text):
        for orig, alias in _pairs(names):
            if orig in imported and imported[orig][1] is not None:
                spec, real = imported[orig]
                out[alias] = exported_names(_module(path, spec), seen).get(real, path)
            elif orig in imported:
                out[alias] = _module(path, imported[orig][0])
            else:
                out[alias] = path
    for a, b in _DECLARED.findall(text):
        out[a or b] = path
    return out


def _pairs(names: str):
    for item in names.split(","):
        item = re.sub(r"^\s*type\s+", "", item).strip()
        if item:
            orig, _, alias = item.partition(" as ")
            yield orig.strip(), (alias or orig).strip()


def _module(here: Path, spec: str) -> Path:
    base = (here.parent / spec).resolve()
    for cand in (base.with_name(base.name + ".d.ts"), base / "index.d.ts"):
        if cand.exists():
            return cand
    return base.with_name(base.name + ".d.ts")
