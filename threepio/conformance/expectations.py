"""The conformance expectations table (``tests/conformance/expectations.yaml``): per OpInfo op
and target, expected failures and tolerance overrides, each with a written reason.

    ops:
      nn.functional.softplus:
        tfjs: {xfail: "TF.js softplus overflows for x > 88 (float32 exp)"}
        all: {tolerance: {float32: 1.0e-4, why: "..."}}

A case whose op is marked ``xfail`` must fail (or error): if it passes, the run fails, so a
fixed rule forces the table to be updated. The runner never branches on op names itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RuleFileError
from ..rules.yamlfile import LineDict, load_yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "tests" / "conformance" / "expectations.yaml"
BASE_TOLERANCE = {"numpy": 1e-5, "tf": 1e-5, "tfjs": 1e-4}


@dataclass
class Expectations:
    xfail: dict[tuple[str, str], str] = field(default_factory=dict)       # (op, target)->why
    tolerance: dict[tuple[str, str, str], float] = field(default_factory=dict)  # op,t,dtype
    lines: dict[str, int] = field(default_factory=dict)

    def tolerance_of(self, op: str, target: str, dtype: str) -> float:
        if dtype.startswith(("int", "uint", "bool")):
            return 0.0
        if (op, target, dtype) in self.tolerance:
            return self.tolerance[(op, target, dtype)]
        from ..rules.loader import load_rules

        rules = load_rules(target).tolerance  # the target's tolerance by source dtype
        return float(rules.get(dtype, rules.get("float32", BASE_TOLERANCE.get(target, 1e-5))))

    def expected(self, op: str, target: str, status: str) -> str:
        """The status after applying the table: xfail/xpass for marked ops."""
        if (op, target) not in self.xfail:
            return status
        return "xpass" if status.startswith("pass") else (
            "xfail" if status in ("fail", "error") else status)


def load_expectations(path: Path = DEFAULT_PATH, targets=("numpy", "tf", "tfjs")) -> Expectations:
    doc = load_yaml(path.read_text(), path.name) if path.exists() else None
    ex = Expectations()
    if doc is None:
        return ex
    ops = doc.get("ops") or LineDict()
    for op, spec in ops.items():
        where = f"{path.name}:{ops.lines[op]}"
        ex.lines[op] = ops.lines[op]
        if not isinstance(spec, dict):
            raise RuleFileError(f"{where}: {op}: expected a mapping of target to expectations")
        for t, items in spec.items():
            for target in (targets if t == "all" else (t,)):
                if target not in ("numpy", "tf", "tfjs"):
                    raise RuleFileError(f"{where}: {op}: unknown target {t!r}")
                if target not in targets:   # a run of some targets only (--targets)
                    continue
                for kind, value in items.items():
                    if kind == "xfail":
                        if not isinstance(value, str) or not value.strip():
                            raise RuleFileError(f"{where}: {op}: xfail needs a reason")
                        ex.xfail[(op, target)] = value
                    elif kind == "tolerance":
                        if not isinstance(value, dict) or not isinstance(value.get("why"), str):
                            raise RuleFileError(f"{where}: {op}: a tolerance needs a 'why'")
                        for dtype, tol in value.items():
                            if dtype != "why":
                                ex.tolerance[(op, target, dtype)] = float(tol)
                    else:
                        raise RuleFileError(f"{where}: {op}: unknown field {kind!r} "
                                            "(xfail or tolerance)")
    return ex
