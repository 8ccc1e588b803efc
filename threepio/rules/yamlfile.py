"""Strict YAML loading for mapping files: duplicate keys are errors naming both lines, and
every mapping remembers the line of each key (for error messages and ``rule=`` provenance)."""

from __future__ import annotations

import yaml

from ..errors import RuleFileError


class LineDict(dict):
    """A dict that knows the 1-based line of each key (``.lines[key]``) and its own line."""

    lines: dict
    line: int


def load_yaml(text: str, filename: str):
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        raise RuleFileError(f"{where}: YAML syntax error: {getattr(e, 'problem', e)}") from None
    return None if node is None else _convert(node, filename)


def _convert(node, filename):
    if isinstance(node, yaml.MappingNode):
        out = LineDict()
        out.lines, out.line = {}, node.start_mark.line + 1
        for knode, vnode in node.value:
            key = _convert(knode, filename)
            if not isinstance(key, (str, int, float, bool)):
                raise RuleFileError(f"{filename}:{knode.start_mark.line + 1}: mapping keys must "
                                    "be scalars")
            line = knode.start_mark.line + 1
            if key in out:
                raise RuleFileError(f"{filename}:{line}: duplicate key {key!r} (first defined at "
                                    f"line {out.lines[key]}); each key may appear once")
            out[key] = _convert(vnode, filename)
            out.lines[key] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, filename) for v in node.value]
    return yaml.SafeLoader(" ").construct_object(node, deep=True) if node.tag != \
        "tag:yaml.org,2002:str" else node.value
