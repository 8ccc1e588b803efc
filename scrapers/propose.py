"""Propose, verify and write generated mapping rules.

For public PyTorch commands (``torch.*``, ``torch.nn.functional.*``, ``torch.Tensor.*``) that
have an OpInfo entry and no rule yet, the catalog matcher (:mod:`threepio.catalog.match`)
proposes target commands with aligned arguments. Each proposal becomes a candidate rule: the
PyTorch signature from the catalog, the target call with the aligned arguments, and guards that
refuse every argument the proposal does not carry (a parameter left at its default, a ``None``
where the target needs a value). The candidate is then verified on PyTorch's own OpInfo samples:
each sample is traced at API level, translated with the candidate added to the target's rules,
run on the real framework and compared with PyTorch under the project's tolerances. A candidate
passes only if every sample it accepts matches and at least one sample runs. When a candidate
fails only on non-floating-point samples, a variant guarded to floating-point inputs is tried.

Only verified candidates are written (``mappings/<target>/generated.yaml``, every rule with
``generated: {by: threepio.scrapers.propose, confidence: X}``), with samples taken from the
OpInfo samples that passed (``tests/samples/generated.py``) and a JSON report of every proposal
and verdict. A key verified on some targets only gets ``unsupported:`` on the others, naming
the nearest proposal and why it failed.

    python -m threepio.scrapers.propose --limit 100 --report out/propose.json          # dry run
    python -m threepio.scrapers.propose --limit 100 --write
    python -m threepio.scrapers.propose --write-from out/propose.json     # files only
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TARGETS = ("tfjs", "tf", "numpy")
CATALOGS = {"tfjs": ("tfjs", "4.22.0"), "tf": ("tf", "2.21.0"), "numpy": ("numpy", "2.4.6")}
BY = "threepio.scrapers.propose"
THRESHOLD = 0.85                      # proposals at or above this are "confident"
MIN_CONFIDENCE = 0.6                  # proposals below this are not tried
DTYPES = ("float32", "int32", "int64", "bool")


# -- sources -----------------------------------------------------------------------------------
@dataclass
class Source:
    key: str                          # torch.acos, torch.Tensor.acos
    command: object                   # its catalog Command (``self`` first for methods)
    entries: list                     # OpInfo entries that call it
    method: bool


def sources(limit: int | None = None, only: set[str] | None = None) -> list[Source]:
    """Public commands with an OpInfo entry and no rule on any target, in catalog order."""
    from threepio.catalog.model import Command, Param, load_catalog
    from threepio.conformance.cases import op_db
    from threepio.rules.loader import load_rules
    from threepio.tracing.api import _public

    have = {k for t in TARGETS for k, r in load_rules(t).rules.items()   # generated.yaml is
            if not r.where.startswith(f"{t}/generated.yaml:")}            # ours to rewrite
    by_id = _public()[0]
    calls: dict[str, list] = {}
    for e in op_db():
        for fn, method in ((e.op, False), (getattr(e, "method_variant", None), True)):
            name = by_id.get(id(fn)) if fn is not None else None
            if name and name.startswith("torch.Tensor.") == method:
                calls.setdefault(name, []).append(e)
    cat = load_catalog("torch", "2.13.0")
    out = []
    for key, cmd in sorted(cat.commands.items()):
        if key in have or key not in calls or not cmd.parsed or (only and key not in only):
            continue
        method = key.startswith("torch.Tensor.")
        if method:
            cmd = Command(cmd.name, (Param("self", type="Tensor"), *cmd.params), cmd.returns,
                          cmd.summary, cmd.url, cmd.signature, cmd.parsed, cmd.aliases)
        out.append(Source(key, cmd, calls[key], method))
    return out[:limit]


# -- samples -----------------------------------------------------------------------------------
@dataclass(eq=False)
class Traced:
    plan: object
    arrays: list
    ref: list
    dtype: str
    sample_id: str


def traced_samples(src: Source, per_dtype: int = 4) -> list[Traced]:
    """The OpInfo samples of ``src`` traced at API level to one-op plans calling ``src.key``,
    with PyTorch's outputs (samples that do not trace to exactly that op are left out)."""
    import torch
    from torch.utils._pytree import tree_flatten, tree_unflatten

    import threepio
    from threepio.conformance.cases import op_key
    from threepio.errors import ThreepioError

    out = []
    for entry in src.entries[:2]:
        fn_call = entry.method_variant if src.method else entry.op
        supported = {str(d).removeprefix("torch.") for d in entry.supported_dtypes("cpu")}
        for dtype in DTYPES:
            if dtype not in supported:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    samples = list(entry.sample_inputs("cpu", getattr(torch, dtype),
                                                       requires_grad=False))
                except Exception:  # noqa: BLE001 - the OpInfo cannot make samples here
                    continue
            for i, s in enumerate(samples[:per_dtype]):
                leaves, spec = tree_flatten((s.input, s.args, s.kwargs))
                where = [j for j, x in enumerate(leaves) if isinstance(x, torch.Tensor)]

                def fn(*tensors, leaves=leaves, spec=spec, where=where, call=fn_call):
                    filled = list(leaves)
                    for j, t in zip(where, tensors):
                        filled[j] = t
                    a, args, kwargs = tree_unflatten(filled, spec)
                    return call(a, *args, **kwargs)

                tensors = tuple(leaves[j] for j in where)
                variants = [(tensors, f"{op_key(entry)}[{dtype}#{i}]")]
                # ties at .5, signed zeros, NaN, infinities; not for linear algebra (NaN input
                # crashes PyTorch's own eigvals in MKL, and decompositions have no ties to test)
                if dtype == "float32" and i < 2 and not entry.name.startswith("linalg."):
                    variants.append((tuple(_edge(t) for t in tensors),
                                     f"{op_key(entry)}[{dtype}#{i}-edge]"))
                for ts, sid in variants:
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            plan = threepio.trace(fn, ts, level="api")
                            if [op.target for op in plan.ops] != [src.key] or not plan.outputs:
                                continue
                            ref = threepio.run(plan, plan.examples)
                    except (ThreepioError, RuntimeError, TypeError, ValueError, IndexError):
                        continue
                    out.append(Traced(plan, list(plan.examples), ref, dtype, sid))
    return out


def _edge(t):
    """A float tensor of the same shape filled with values where frameworks tend to differ."""
    import torch

    if not t.is_floating_point() or t.numel() == 0:
        return t
    pool = torch.tensor([0.5, -0.5, 1.5, -2.5, 2.5, 0.0, -0.0, float("nan"), float("inf"),
                         -float("inf"), 1e-30, -3.25, 7.0, 0.1, -1.0, 1.0], dtype=t.dtype)
    return pool.repeat(t.numel() // len(pool) + 1)[:t.numel()].reshape(t.shape)


# -- candidate rules ---------------------------------------------------------------------------
_OPTIONAL = {"dtype", "generator", "layout", "device"}
_DIMS = {"dim", "dims", "axis", "axes"}
#: verified proposals a reviewer rejected: the samples pass, the semantics differ elsewhere
REJECTED = {
    ("torch.Tensor.gather", "numpy"): "np.take_along_axis broadcasts a size-1 index dimension; "
    "torch.gather takes an index smaller than the input in the other dimensions",
    ("torch.gather", "numpy"): "np.take_along_axis broadcasts a size-1 index dimension; "
    "torch.gather takes an index smaller than the input in the other dimensions",
}
_NUM = re.compile(r"-?\d+(\.\d*)?([eE][+-]?\d+)?")


def literal(default: str | None) -> str | None:
    """A catalog default as an expression literal (None if it has no literal form)."""
    if default is None:
        return None
    d = default.strip()
    if d in ("None", "null"):
        return "null"
    if d in ("True", "true", "False", "false"):
        return d.lower()
    if _NUM.fullmatch(d):
        return d
    if re.fullmatch(r"'[^'\\]*'|\"[^\"\\]*\"", d):
        return d
    return None


@dataclass
class Candidate:
    key: str
    target: str
    dst: str
    confidence: float
    yaml: str                         # the rule, indented under `rules:`
    float_only: bool = False
    proposal: object = None
    passed_ids: list = field(default_factory=list)


def render(src: Source, prop, dst_cmd, float_only: bool = False) -> Candidate | None:
    """The candidate rule for ``prop`` (None when the proposal cannot be written exactly)."""
    from threepio.catalog.match import compact, data_params, param_kinds, required

    if prop.alignment.dst_unlinked:
        return None
    data = {p.name for p in data_params(src.command)}
    sig, guards, kw = [], [], False
    for p in src.command.params:
        if p.name == "out" or (p.kind == "var_keyword" and p.name == "kwargs"):
            continue                             # out=: the API tracer refuses it anyway
        if p.kind == "var_positional" or p.kind == "var_keyword":
            return None                          # *dims: not written generically
        if p.default is None and (p.kind == "keyword_only" or p.name in _OPTIONAL) and \
                (p.type or "").startswith("Optional"):
            p = dataclasses.replace(p, default="None")
        if p.kind == "keyword_only" and not kw:
            sig.append("*")
            kw = True
        lit = literal(p.default)
        if p.default is not None and lit is None:
            lit = "null"                         # an enum default: only its absence is accepted
            guards.append(f"{p.name} == null")
        sig.append(p.name if p.default is None else f"{p.name}={lit}")
        dst = prop.alignment.dst_for(p.name) if p.name in data else None
        if lit == "null" and compact(p.name) in _DIMS:
            if dst is None:
                return None                      # dim=None may mean "choose one": not provable
            guards.append(f"{p.name} != null")   # what None means may differ (torch.cross)
        if dst is None:
            if p.default is None:
                return None                      # a required argument with no counterpart
            if lit != "null" or p.name in data or p.name == "out":
                guards.append(f"{p.name} == {lit}")
            else:
                guards.append(f"{p.name} == null")
        else:
            q = dst_cmd.param(dst)
            if lit == "null" and required(q):
                guards.append(f"{p.name} != null")
            sk, dk = param_kinds(p), param_kinds(q)
            if "tensor" in sk and dk and not dk & {"tensor", "tensors"}:
                guards.append(f"not is_tensor({p.name})")   # the target takes a number only
    by_dst = {ln.dst: ln.src for ln in prop.alignment.links}
    args, kwargs, gap = [], [], False
    for q in dst_cmd.params:                      # every parameter: out=, name= are gaps too
        s = by_dst.get(q.name)
        if q.kind in ("var_positional", "var_keyword"):
            gap = True
            continue
        if s is None:
            gap = True
            continue
        if gap or q.kind == "keyword_only":
            if prop.target == "tfjs":
                return None                      # TF.js: no way to skip an optional argument
            kwargs.append(f"{q.name}={s}")
        else:
            args.append(s)
    call = f"{dst_cmd.name}({', '.join(args + kwargs)})"
    first = next((p.name for p in src.command.params if p.kind != "keyword_only"), None)
    if float_only:
        guards.append("is_float(out.dtype)")
        if first is not None and "tensor" in (src.command.param(first).type or "Tensor").lower():
            guards.append(f"is_float({first}.dtype)")
    name = src.key.rsplit(".", 1)[-1]
    doc = f"{dst_cmd.short}({', '.join(_doc_param(q) for q in data_params(dst_cmd))})"
    lines = [f"  {src.key}:",
             f"    torch: {name}({', '.join(sig)})",
             f"    {prop.target}: {_yaml_str(doc)}",
             f"    generated: {{by: {BY}, confidence: {prop.confidence}}}"]
    if guards:
        why = "generated rule: verified only with " + ", ".join(_say(g) for g in guards)
        lines += ["    cases:", f"      - when: {_yaml_str(' and '.join(guards))}",
                  f"        emit: {_yaml_str(call)}",
                  f"      - unsupported: {_yaml_str(why)}"]
    else:
        lines.append(f"    emit: {_yaml_str(call)}")
    return Candidate(src.key, prop.target, prop.dst, prop.confidence, "\n".join(lines) + "\n",
                     float_only, prop)


def _say(guard: str) -> str:
    """A guard in words, for the refusal reason."""
    m = re.fullmatch(r"is_float\((\w+)\.dtype\)", guard)
    if m:
        return f"floating-point {m.group(1)}"
    m = re.fullmatch(r"not is_tensor\((\w+)\)", guard)
    if m:
        return f"a number (not a tensor) as {m.group(1)}"
    return guard


def _doc_param(q) -> str:
    if q.default is not None:
        return f"{q.name}={q.default}"
    return f"{q.name}?" if q.optional else q.name


def _yaml_str(s: str) -> str:
    return json.dumps(s)



# -- verification ------------------------------------------------------------------------------
@dataclass
class Verdict:
    accepted: int = 0
    passed: int = 0
    failures: list = field(default_factory=list)      # (sample, what)
    float_failures_only: bool = True
    float_passed: int = 0
    passed_ids: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.accepted > 0 and self.passed == self.accepted


def with_candidate(target: str, cand: Candidate):
    """The target's rules plus the candidate rule (compiled like a part file)."""
    from threepio.rules import loader
    from threepio.rules.yamlfile import load_yaml

    base = loader.load_rules(target)
    rules = {k: r for k, r in base.rules.items() if k != cand.key}   # an older generated rule
    rs = dataclasses.replace(base, rules=rules, commands=set(base.commands),
                             files=list(base.files) + [f"{target}/generated.yaml"])
    text = f"target: {target}\nrules:\n{cand.yaml}"
    c = loader._Compiler(f"{target}/generated.yaml", load_yaml(text, f"{target}/generated.yaml"))
    c.body(rs)
    c.check_commands(rs, rs.rules[cand.key])
    return rs


def verify(cand: Candidate, samples: list[Traced]) -> Verdict:
    from threepio.errors import ThreepioError, TranslationError
    from threepio.runner import prepare_inputs
    from threepio.translator import translate

    rs = with_candidate(cand.target, cand)
    v = Verdict()
    for s in samples:
        try:
            tp = translate(s.plan, cand.target, rules=rs)
        except TranslationError:
            continue                              # refused: the candidate's guards said no
        v.accepted += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if cand.target == "tfjs":             # both backends the browsers use
                    runs = [(f"tfjs:{b} ", _run_tfjs(tp, prepare_inputs(tp, s.arrays), b))
                            for b in ("cpu", "wasm")]
                else:
                    runs = [("", _interpreter(cand.target, rs.commands).run(
                        tp, prepare_inputs(tp, s.arrays)))]
        except (ThreepioError, Exception) as e:  # noqa: BLE001 - any failure fails the sample
            _fail(v, s, f"error: {str(e).splitlines()[0][:160]}")
            continue
        bad = next(filter(None, (_mismatch(label, s.ref, got, tp, rs) for label, got in runs)),
                   None)
        if bad:
            _fail(v, s, bad)
        else:
            v.passed += 1
            v.float_passed += s.dtype == "float32"
            v.passed_ids.append(s.sample_id)
    return v


TFJS_TIMEOUT = 20.0                   # seconds; a TF.js kernel can spin forever


def _run_tfjs(tp, arrays, backend: str):
    """Run on a TF.js worker, killing it when one sample takes longer than TFJS_TIMEOUT and
    restarting it after any failure (a wasm "memory access out of bounds" otherwise fails
    every later run of the process)."""
    import threading

    from threepio.backends.tfjs import get_worker, run_plan
    from threepio.errors import ExecutionError

    worker, fired = get_worker(backend, allow_any=True), []

    def kill():
        fired.append(True)
        if worker._proc is not None:
            worker._proc.kill()

    timer = threading.Timer(TFJS_TIMEOUT, kill)
    timer.start()
    try:
        return run_plan(tp, arrays, backend=backend, allow_any=True)
    except Exception:
        if fired:
            raise ExecutionError(f"TF.js ({backend}) did not finish in {TFJS_TIMEOUT:.0f} s "
                                 "(worker killed)") from None
        worker.close()      # a failed wasm kernel can leave the heap corrupt: start afresh
        raise
    finally:
        timer.cancel()


def _mismatch(label: str, ref: list, got: list, tp, rs) -> str | None:
    """How ``got`` differs from PyTorch's ``ref`` (dtype, shape, values), or None."""
    from threepio.checker import compare, tolerance

    if len(got) != len(ref):
        return f"{label}{len(got)} outputs, PyTorch {len(ref)}"
    for r, g in zip(ref, got):
        r, g = np.asarray(r), np.asarray(g)
        dtype = str(r.dtype)
        if str(g.dtype) != rs.map_dtype(dtype):
            return f"{label}dtype {g.dtype}, PyTorch {dtype}"
        if r.shape != g.shape:
            return f"{label}shape {list(g.shape)}, PyTorch {list(r.shape)}"
        mabs, mrel, ok = compare(r, g, tolerance(tp, dtype))
        if not ok:
            return f"{label}max abs {mabs:.3g}, max rel {mrel:.3g}"
    return None


_interpreters: dict = {}


def _interpreter(target: str, commands: set[str]):
    """A NumPy or TF interpreter allowed to call the candidate's commands (a fresh one per
    process, so the shared interpreters keep the shipped allowlist)."""
    if target not in _interpreters:
        if target == "numpy":
            from threepio.backends.numpy_backend import NumpyInterpreter as cls
        else:
            from threepio.backends.tf_backend import TfInterpreter as cls
        _interpreters[target] = cls()
    interp = _interpreters[target]
    interp.allowed = commands
    interp._resolved.clear()
    return interp


def _fail(v: Verdict, s: Traced, what: str):
    v.failures.append((s.sample_id, what))
    if s.dtype == "float32":
        v.float_failures_only = False


# -- the run -----------------------------------------------------------------------------------
@dataclass
class Outcome:
    key: str
    samples: int
    proposals: list = field(default_factory=list)    # dicts: dst, confidence, verdict...
    shipped: dict = field(default_factory=dict)      # target -> Candidate
    source: object = None
    traced: dict = field(default_factory=dict)       # sample id -> Traced


def propose_all(srcs: list[Source], per_target: int = 2, log=print) -> list[Outcome]:
    from threepio.catalog.match import propose
    from threepio.catalog.model import load_catalog

    cats = {t: load_catalog(*CATALOGS[t]) for t in TARGETS}
    outcomes = []
    for n, src in enumerate(srcs):
        t0 = time.perf_counter()
        samples = traced_samples(src)
        oc = Outcome(src.key, len(samples), source=src,
                     traced={s.sample_id: s for s in samples})
        outcomes.append(oc)
        for target in TARGETS:
            for prop in propose(src.command, cats[target], target, n=per_target):
                if prop.confidence < MIN_CONFIDENCE:
                    continue
                rec = {"target": target, "dst": prop.dst, "confidence": prop.confidence,
                       "name": prop.name_how, "params": [[ln.src, ln.dst, ln.how] for ln in
                                                         prop.alignment.links]}
                oc.proposals.append(rec)
                cand = render(src, prop, cats[target].commands[prop.dst])
                if cand is None:
                    rec["verdict"] = "not writable (a required argument has no counterpart)"
                    continue
                if not samples:
                    rec["verdict"] = "no OpInfo sample traces to this command"
                    continue
                if (src.key, target) in REJECTED:
                    rec["verdict"] = f"rejected: {REJECTED[src.key, target]}"
                    continue
                v = verify(cand, samples)
                if not v.ok and v.float_passed and v.float_failures_only:
                    fcand = render(src, prop, cats[target].commands[prop.dst], float_only=True)
                    fv = verify(fcand, samples) if fcand is not None else None
                    if fv is not None and fv.ok:
                        rec["float_only"] = True
                        cand, v = fcand, fv
                rec.update(accepted=v.accepted, passed=v.passed,
                           failures=v.failures[:3], verdict="verified" if v.ok else (
                               "no sample accepted" if not v.accepted else "failed"))
                if v.ok:
                    cand.passed_ids = v.passed_ids
                    oc.shipped[target] = cand
                    break
        log(f"[{n + 1}/{len(srcs)}] {src.key}: {len(samples)} samples, "
            f"verified on {sorted(oc.shipped) or 'none'} ({time.perf_counter() - t0:.1f} s)")
    return outcomes


def precision(outcomes: list[Outcome]) -> dict:
    """Per target: proposals at or above the threshold that were verified, and counts by band."""
    bands = ((0.9, 1.01), (0.85, 0.9), (0.75, 0.85), (0.6, 0.75))
    out = {}
    for t in TARGETS:
        recs = [r for o in outcomes for r in o.proposals if r["target"] == t and "accepted" in r]
        row = {}
        for lo, hi in bands:
            rs = [r for r in recs if lo <= r["confidence"] < hi]
            row[f"{lo:.2f}-{min(hi, 1):.2f}"] = {
                "tested": len(rs), "verified": sum(r["verdict"] == "verified" for r in rs)}
        above = [r for r in recs if r["confidence"] >= THRESHOLD]
        row["above_threshold"] = {"tested": len(above), "verified": sum(
            r["verdict"] == "verified" for r in above)}
        row["precision"] = round(row["above_threshold"]["verified"] / len(above), 3) \
            if above else None
        out[t] = row
    return out


# -- writing -------------------------------------------------------------------------------------
HEADER = """\
# Generated by `python -m threepio.scrapers.propose --write`: do not edit; hand-written rules
# go in the other part files (a key defined there and here is a load error: re-run the proposer,
# which skips keys that exist). Every rule here is a catalog-matcher proposal that matched
# PyTorch on each OpInfo sample it accepts (and on at least one); `generated:` records the tool
# and the matcher's confidence. A key verified on another target only is refused here with the
# nearest proposal and why it failed.
"""


def shipping(outcomes: list[Outcome]) -> list[dict]:
    """What to write for each verified key, as plain data (kept in the JSON report, so the files
    can be written again with ``--write-from`` without re-running the verification)."""
    out = []
    for oc in outcomes:
        if not oc.shipped:
            continue
        common = set.intersection(*(set(c.passed_ids) for c in oc.shipped.values()))
        picked = _pick_samples([oc.traced[i] for i in sorted(common)])
        if not picked:
            out.append({"key": oc.key, "skip": "no small sample passes on every verified target"})
            continue
        out.append({
            "key": oc.key,
            "rules": {t: oc.shipped[t].yaml if t in oc.shipped else
                      _unsupported(oc, t, _nearest(oc, t)) for t in TARGETS},
            "verified": {t: oc.shipped[t].dst for t in sorted(oc.shipped)},
            "samples": [_sample_code(oc.key, s, _note(n, s)) for n, s in enumerate(picked)],
            "refused": [[t, f"{oc.key}-{_note(n, s)}"] for t in TARGETS if t not in oc.shipped
                        for n, s in enumerate(picked)]})
    return out


def write_generated(ship: list[dict], root: Path | None = None,
                    samples_path: Path | None = None) -> list[str]:
    """Write ``mappings/<target>/generated.yaml`` for every target and the samples module from
    :func:`shipping` data; returns log lines. Keys another part file defines by now are
    dropped; the maps must load before and after."""
    from threepio.rules.loader import _load, mappings_dir, parse_rules, part_files

    root = root or mappings_dir()
    samples_path = samples_path or Path(__file__).resolve().parent.parent / "tests" / \
        "samples" / "generated.py"
    taken = set()
    for t in TARGETS:
        main = root / f"{t}.yaml"
        parts = [(p.read_text(), f"{t}/{p.name}") for p in part_files(main)
                 if p.name != "generated.yaml"]
        taken |= set(parse_rules(main.read_text(), main.name, t, parts).rules)
    log, texts, sample_code, refused = [], {t: [] for t in TARGETS}, [], []
    for e in ship:
        if "skip" in e or e["key"] in taken:
            log.append(f"skipped {e['key']}: " + e.get("skip", "now defined in a hand-written "
                                                               "part file"))
            continue
        for t in TARGETS:
            texts[t].append(e["rules"][t])
        sample_code += e["samples"]
        refused += e["refused"]
        shipped = ", ".join(f"{t} -> {d}" for t, d in e["verified"].items())
        log.append(f"{e['key']}: {shipped}; {len(e['samples'])} sample(s)")
    for t in TARGETS:
        path = root / t / "generated.yaml"
        body = f"rules:\n{chr(10).join(texts[t])}" if texts[t] else "rules: {}\n"
        path.write_text(HEADER + f"target: {t}\n" + body)
        _load(t, root / f"{t}.yaml")            # the whole map still loads
        log.append(f"wrote {path} ({len(texts[t])} rules)")
    samples_path.write_text(_samples_module(sample_code, refused))
    log.append(f"wrote {samples_path} ({len(sample_code)} samples)")
    return log


def _nearest(oc: Outcome, target: str) -> str:
    recs = [r for r in oc.proposals if r["target"] == target]
    if not recs:
        return "no verified proposal: the matcher found no candidate"
    r = recs[0]
    what = r.get("verdict", "")
    if r.get("failures"):
        what = f"{r['failures'][0][1]} on {r['failures'][0][0]}"
    return f"no verified proposal; nearest: {r['dst']} (confidence {r['confidence']}): {what}"


def _unsupported(oc: Outcome, target: str, why: str) -> str:
    sig = torch_signature(oc.source)
    best = next((r for r in oc.proposals if r["target"] == target), None)
    conf = best["confidence"] if best else 0
    return (f"  {oc.key}:\n    torch: {sig}\n"
            f"    generated: {{by: {BY}, confidence: {conf}}}\n"
            f"    unsupported: {_yaml_str(why)}\n")


def torch_signature(src: Source) -> str:
    parts, kw = [], False
    for p in src.command.params:
        if p.name == "out" or p.kind in ("var_positional", "var_keyword"):
            continue
        if p.kind == "keyword_only" and not kw:
            parts.append("*")
            kw = True
        lit = literal(p.default) if p.default is not None else None
        parts.append(p.name if p.default is None else f"{p.name}={lit or 'null'}")
    return f"{src.key.rsplit('.', 1)[-1]}({', '.join(parts)})"


def _pick_samples(samples: list[Traced], n: int = 2, max_numel: int = 64) -> list[Traced]:
    """Up to ``n`` small, non-empty samples: an edge-value one and a plain OpInfo one first."""
    def size(s):
        return sum(np.asarray(a).size for a in s.arrays)

    def empty(s):
        return any(np.asarray(a).size == 0 for a in s.arrays)

    pool = sorted(samples, key=lambda s: (empty(s), size(s) > max_numel, s.dtype != "float32",
                                          size(s)))
    edge = [s for s in pool if "-edge" in s.sample_id][:1]
    plain = [s for s in pool if "-edge" not in s.sample_id][:1]
    picked = (edge + plain) or pool[:1]
    picked += [s for s in pool if s not in picked][:n - len(picked)]
    return [s for s in picked[:n] if size(s) <= 4 * max_numel]


def _sample_code(key: str, s: Traced, note: str) -> str:
    from threepio.ir import DType, Ref

    arrays = {v.name: a for v, a in zip(s.plan.inputs, s.arrays)}
    op = s.plan.ops[0]

    def lit(a):
        if isinstance(a, Ref):
            arr = np.asarray(arrays[a.name])
            vals = ", ".join(_num(x) for x in arr.reshape(-1).tolist())
            return f"_t({str(arr.dtype)!r}, {list(arr.shape)}, [{vals}])"
        if isinstance(a, DType):
            return f"torch.{a.name}"
        if isinstance(a, (list, tuple)):
            inner = ", ".join(lit(x) for x in a)
            return f"[{inner}]" if isinstance(a, list) else f"({inner},)"
        if isinstance(a, float):
            return _num(a)
        return repr(a)

    args = [lit(a) for a in op.args] + [f"{k}={lit(v)}" for k, v in op.kwargs.items()]
    return f"    S({key!r}, {', '.join(args)}, note={note!r}),   # OpInfo {s.sample_id}"


def _note(n: int, s: Traced) -> str:
    return f"gen{n}-{s.sample_id.split('[', 1)[1].rstrip(']').replace('#', '-')}"


def _num(x) -> str:
    if isinstance(x, bool):
        return repr(x)
    if isinstance(x, float):
        if x != x:
            return "NAN"
        if x in (float("inf"), -float("inf")):
            return "INF" if x > 0 else "-INF"
    return repr(x)


#: how the refusal of a generated key reads (or the target's dtype policy, first)
REFUSAL = "no verified proposal|carries no complex tensors"


def _samples_module(lines: list[str], refused: list) -> str:
    ref = "".join(f"    ({t!r}, {sid!r}): {REFUSAL!r},\n" for t, sid in refused)
    return ("# ruff: noqa: E501\n"
            '"""Samples for mappings/<target>/generated.yaml, written by `python -m '
            'threepio.scrapers.propose\n--write` from the OpInfo samples each generated rule '
            'passed (inputs as literals). Do not edit."""\n\n'
            "import torch\nfrom op_samples import S\n\nNAN = float('nan')\nINF = float('inf')\n\n\n"
            "def _t(dtype, shape, values):\n"
            "    return torch.tensor(values, dtype=getattr(torch, dtype)).reshape(shape)\n\n\n"
            "SAMPLES = [\n" + "\n".join(lines) + "\n]\n\n"
            "#: targets where a generated key has no verified proposal (the rule refuses it)\n"
            "REFUSED = {\n" + ref + "}\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m threepio.scrapers.propose", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=100, help="at most this many torch commands")
    ap.add_argument("--only", help="comma-separated keys (torch.acos,torch.Tensor.acos)")
    ap.add_argument("--report", default="out/propose.json", help="the JSON report")
    ap.add_argument("--write", action="store_true",
                    help="write mappings/<target>/generated.yaml and tests/samples/generated.py")
    ap.add_argument("--write-from", metavar="REPORT",
                    help="write the files from an earlier run's JSON report (no verification)")
    args = ap.parse_args(argv)
    if args.write_from:
        ship = json.loads(Path(args.write_from).read_text())["ship"]
        for line in write_generated(ship):
            print(line, file=sys.stderr)
        return 0
    t0 = time.perf_counter()
    srcs = sources(args.limit, set(args.only.split(",")) if args.only else None)
    outcomes = propose_all(srcs, log=lambda m: print(m, file=sys.stderr, flush=True))
    seconds = round(time.perf_counter() - t0, 1)
    report = {"seconds": seconds, "commands": len(srcs), "threshold": THRESHOLD,
              "precision": precision(outcomes),
              "outcomes": [{"key": o.key, "samples": o.samples, "proposals": o.proposals,
                            "verified": sorted(o.shipped)} for o in outcomes],
              "ship": shipping(outcomes)}
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, indent=1))
    print(json.dumps({"seconds": seconds, "commands": len(srcs),
                      "precision": report["precision"]}, indent=1))
    if args.write:
        for line in write_generated(report["ship"]):
            print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
