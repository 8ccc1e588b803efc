"""Checking a translated plan against one release of its framework (``--target-version``).

The rules are proven on the installed packages (TF.js 4.22.0, ...). A plan meant for an older
TF.js must only call commands that release has, with no more positional arguments than it
declares; :func:`check_target_version` refuses the plan otherwise, naming the op, the PyTorch op
it came from, the command, the release and the nearest commands that release has.

    out = translate(plan, "tfjs")
    check_target_version(out, "1.5.1", source=plan)     # raises TranslationError, or returns out

TF.js is checked against the committed catalogs (``mappings/catalogs/tfjs/<version>.yaml``).
TensorFlow and NumPy plans are accepted for the installed release only (the one the rules are
checked on); any other release is refused: no committed catalog describes it yet.
"""

from __future__ import annotations

import difflib
import re

from ..errors import TranslationError
from ..ir import Op, Plan
from .model import Catalog, Command, available, load_catalog

_FRAMEWORK = {"tfjs": "tfjs", "tf": "tf", "numpy": "numpy"}


def check_target_version(plan: Plan, version: str, *, source: Plan | None = None,
                         catalog: Catalog | None = None) -> Plan:
    """Return ``plan`` if every command it calls exists in ``version`` of its framework and
    takes the arguments given; raise :class:`TranslationError` otherwise. ``source`` (the
    PyTorch plan it was translated from) lets the error name the source op."""
    target = plan.namespace
    if target not in _FRAMEWORK:
        raise TranslationError(f"--target-version applies to a translated plan (tfjs, tf, "
                               f"numpy), not a {target} plan", target=target)
    if target != "tfjs":
        return _check_installed(plan, target, version)
    versions = [v for f, v in available() if f == "tfjs"]
    if catalog is None:
        if version not in versions:
            raise TranslationError(
                f"no catalog for TF.js {version}: --target-version takes one of "
                f"{', '.join(versions) or 'none'} (build another with `threepio scrape tfjs "
                f"--version {version} --online`)", target=target)
        catalog = load_catalog("tfjs", version)
    origin = _origins(plan, source)
    for i, op in enumerate(plan.ops):
        why, near = _problem(op, catalog)
        if why is None:
            continue
        msg = (f"cannot target TF.js {catalog.version}: op {i} `{_short(op)}`"
               f"{origin.get(i, '')}: {why}")
        later = _first_release_accepting(op, catalog.version, versions)
        if later:
            msg += f"; tfjs@{later} is the first catalogued release that accepts it"
        if near:
            msg += f"\n  nearest in tfjs@{catalog.version}: " + ", ".join(near)
        newest = versions[-1] if versions else catalog.version
        msg += (f"\n  target a newer release (`threepio maps diff tfjs@{catalog.version} "
                f"tfjs@{newest}` shows what changed), or rewrite the program without this op")
        raise TranslationError(msg, op=op.target, index=i, target="tfjs", suggestions=near)
    return plan


def _problem(op: Op, cat: Catalog) -> tuple[str | None, tuple[str, ...]]:
    cmd = cat.commands.get(op.target)
    if cmd is None:
        return (f"{op.target} is not in tfjs@{cat.version} ({cat.source})",
                nearest(op.target, cat))
    if not cmd.parsed:
        return None, ()
    variadic = any(p.kind == "var_positional" for p in cmd.params)
    positional = [p for p in cmd.params if p.kind in ("positional_only", "positional")]
    if not variadic and len(op.args) > len(positional):
        return (f"{op.target} takes at most {len(positional)} positional argument(s) in "
                f"tfjs@{cat.version} {_sig(cmd)}; the plan passes {len(op.args)}", ())
    unknown = [k for k in op.kwargs if cmd.param(k) is None]
    if unknown:
        return (f"{op.target} has no parameter {unknown[0]!r} in tfjs@{cat.version} "
                f"{_sig(cmd)}", ())
    return None, ()


def _first_release_accepting(op: Op, version: str, versions: list[str]) -> str | None:
    from .model import _version_key

    newer = [v for v in versions if _version_key(v) > _version_key(version)]
    return next((v for v in newer if _problem(op, load_catalog("tfjs", v))[0] is None), None)


def nearest(name: str, cat: Catalog, n: int = 5) -> tuple[str, ...]:
    """Commands of ``cat`` whose names are closest to ``name``: similar spellings first, then
    names inside it or containing it (``tf.pad`` for ``tf.mirrorPad``), then the same first
    letters; where two share a short name, the one in ``name``'s namespace."""
    prefix, _, short = name.rpartition(".")
    short = short.lower()
    names = sorted(cat.commands, key=lambda f: (f.rpartition(".")[0] != prefix, f))
    by_short = {}
    for full in names:
        by_short.setdefault(full.rsplit(".", 1)[-1].lower(), full)
    close = [by_short[s] for s in difflib.get_close_matches(short, list(by_short), n=n,
                                                            cutoff=0.6)]
    close += [full for s, full in by_short.items() if len(s) >= 3 and (s in short or short in s)
              and full not in close]
    close += [full for s, full in by_short.items() if s.startswith(short[:4])
              and full not in close]
    return tuple(close[:n])


def _sig(cmd: Command) -> str:
    return "(" + ", ".join(("..." if p.kind == "var_positional" else "") + p.name
                           + ("?" if p.optional else "") for p in cmd.params) + ")"


def _short(op: Op) -> str:
    from ..plan_text import format_op

    return format_op(op).split("   #")[0]


def _origins(plan: Plan, source: Plan | None) -> dict[int, str]:
    """Target op index -> `` (from source op j `...`, file:line)``. The translator names an
    op's last emitted value after the source op's output and the others ``<that>_<k>``."""
    if source is None:
        return {}
    produced = {}
    for j, op in enumerate(source.ops):
        for v in op.outputs:
            produced[v.name] = (j, op)
    out = {}
    for i, op in enumerate(plan.ops):
        for v in op.outputs:
            name = v.name
            while name not in produced and re.search(r"_\d+$", name):
                name = re.sub(r"_\d+$", "", name)
            if name in produced:
                j, src = produced[name]
                where = f", {src.source}" if src.source else ""
                out[i] = f" (from source op {j} `{_short(src)}`{where})"
                break
    return out


def _check_installed(plan: Plan, target: str, version: str) -> Plan:
    if target == "tf":
        import tensorflow as module
    else:
        import numpy as module
    installed = module.__version__
    if version != installed:
        name = {"tf": "TensorFlow", "numpy": "NumPy"}[target]
        raise TranslationError(
            f"cannot target {name} {version}: the {target} rules are checked against the "
            f"installed {name} {installed} only, and no {target} catalog describes {version}; "
            f"use --target-version {installed} or translate without it", target=target)
    return plan
