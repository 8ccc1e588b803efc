"""Running the whole matrix (in parallel processes) and aggregating it into results."""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter, defaultdict

from .cases import DTYPES, cases, entries, op_key
from .engine import TARGETS, CaseResult, run_case
from .expectations import load_expectations

PASSING = ("pass", "pass-random")


def rules_digest() -> str:
    """A digest of the shipped mapping files: results are in sync when it matches."""
    from ..rules.loader import TARGETS, mappings_dir, part_files

    h = hashlib.sha256()
    for target in TARGETS:
        main = mappings_dir() / f"{target}.yaml"
        for p in (main, *part_files(main)):
            h.update(f"{target}/{p.name}".encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def _run_entry(args):
    """Run one entry's cases in a worker: ``(key, seconds, results)``, ``key`` being the
    ``(level, index)`` the work item was given under."""
    index, targets, dtypes, max_per_dtype, tfjs_backend, level = args
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from .cases import op_db

    t0 = time.perf_counter()
    entry = op_db()[index]
    ex = load_expectations(targets=targets)
    out = []
    supported = sorted(str(d).removeprefix("torch.") for d in entry.supported_dtypes("cpu"))
    for case in cases(entry, dtypes, max_per_dtype, grad=level == "aten"):
        try:
            r = run_case(case, targets, ex.tolerance_of, tfjs_backend, level)
        except Exception as e:  # one broken case must not stop the matrix; it stays visible
            r = CaseResult(case.id, case.op, case.dtype)
            r.set_all(targets, "harness-error", f"{type(e).__name__}: {str(e)[:200]}")
        for t in targets:
            r.status[t] = ex.expected(r.op, t, r.status[t])
        out.append(r)
    if not out:  # every entry appears in the results, even one with no sample to run here
        r = CaseResult(f"{op_key(entry)}[-]", op_key(entry), "-")
        r.set_all(targets, "no-sample", f"no CPU sample in {', '.join(dtypes)}; the op supports "
                                        f"{', '.join(supported) or 'no dtype on the CPU'}")
        out.append(r)
    return (level, index), time.perf_counter() - t0, out


def run_matrix(select=None, targets=TARGETS, dtypes=DTYPES, max_per_dtype=None, jobs=1,
               progress=None, tfjs_backend="cpu", level="aten", cases_out=None) -> dict:
    """Run every case of the selected OpInfo entries, traced at ``level`` ("aten": Core ATen
    ops, "api": the public commands); returns the results document. ``cases_out`` (a text
    file) receives one JSON line per case: its id, dtype, status and detail per target."""
    return run_levels(select, targets, dtypes, {level: max_per_dtype}, jobs,
                      progress=progress and (lambda level, rs: progress(rs)),
                      tfjs_backend=tfjs_backend, cases_out={level: cases_out})[level]


def run_levels(select=None, targets=TARGETS, dtypes=DTYPES, per_dtype=None, jobs=1,
               progress=None, tfjs_backend="cpu", cases_out=None, cost=None) -> dict:
    """Run the matrix at each level of ``per_dtype`` (level -> at most this many samples per
    op and dtype, None for all) in one pool of ``jobs`` processes; returns level -> results
    document. ``cost`` (level -> {entry key: seconds}, from an earlier run) orders the work
    longest first, so that no long entry is left to run alone at the end; entries it does not
    know go first. ``progress(level, results)`` is called as each entry finishes."""
    from .cases import op_db

    per_dtype = per_dtype if per_dtype is not None else {"aten": None}
    cost = cost or {}
    cases_out = cases_out or {}
    db = op_db()
    chosen = {id(e) for e in entries(select)}
    work = [(i, tuple(targets), tuple(dtypes), limit, tfjs_backend, level)
            for level, limit in per_dtype.items() for i, e in enumerate(db) if id(e) in chosen]
    keys = {(w[5], w[0]): op_key(db[w[0]]) for w in work}
    work.sort(key=lambda w: -cost.get(w[5], {}).get(keys[w[5], w[0]], float("inf")))
    t0 = time.perf_counter()
    results: dict = {level: [] for level in per_dtype}
    seconds: dict = {level: {} for level in per_dtype}

    def collect(done):
        (level, index), took, rs = done
        results[level].extend(rs)
        key = keys[level, index]
        seconds[level][key] = round(seconds[level].get(key, 0.0) + took, 2)
        if progress:
            progress(level, rs)

    if jobs > 1:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(jobs) as pool:
            for done in pool.imap_unordered(_run_entry, work):
                collect(done)
    else:
        for w in work:
            collect(_run_entry(w))
    wall = time.perf_counter() - t0
    docs = {}
    for level, limit in per_dtype.items():
        out = cases_out.get(level)
        if out is not None:
            import json

            for r in sorted(results[level], key=lambda r: r.id):
                out.write(json.dumps({"id": r.id, "op": r.op, "dtype": r.dtype,
                                      "status": r.status, "detail": r.detail,
                                      "aten": r.aten}) + "\n")
        doc = aggregate(results[level], targets, wall, level)
        doc["max_per_dtype"] = limit
        doc["levels_run_together"] = list(per_dtype)
        doc["entry_seconds"] = dict(sorted(seconds[level].items()))
        docs[level] = doc
    return docs


def aggregate(results: list[CaseResult], targets, seconds: float, level: str = "aten") -> dict:
    import torch

    ops: dict = defaultdict(lambda: {t: Counter() for t in targets})
    reasons: dict = defaultdict(lambda: {t: Counter() for t in targets})
    failures = []
    aten_pass: dict = defaultdict(lambda: {t: [0, 0] for t in targets})  # [passed, not passed]
    for r in sorted(results, key=lambda r: r.id):
        for t in targets:
            s = r.status[t]
            ops[r.op][t][s] += 1
            if s not in PASSING:
                reasons[r.op][t][r.detail.get(t, "")] += 1
            if s in ("fail", "error", "xpass", "harness-error"):
                failures.append({"case": r.id, "target": t, "status": s,
                                 "detail": r.detail.get(t, "")})
            for a in r.aten:  # refusals (of this op or another in the plan) prove nothing
                if s in PASSING:
                    aten_pass[a][t][0] += 1
                elif s in ("fail", "error", "xfail", "xpass"):
                    aten_pass[a][t][1] += 1
    summary = {}
    for t in targets:
        c = Counter()
        for o in ops.values():
            c.update(o[t])
        total = sum(c.values())
        f32 = Counter()
        for r in results:
            if r.dtype == "float32":
                f32[r.status[t]] += 1
        f32_total = sum(f32.values())
        summary[t] = {
            "cases": total, **dict(sorted(c.items())),
            "pass_rate": round(sum(c[s] for s in PASSING) / total, 4) if total else 0.0,
            "float32_cases": f32_total,
            "float32_pass_rate": round(sum(f32[s] for s in PASSING) / f32_total, 4)
            if f32_total else 0.0,
        }
    commands = (core_aten_coverage(aten_pass, targets) if level == "aten"
                else api_coverage(aten_pass, targets))
    return {
        "torch": torch.__version__.split("+")[0], "rules": rules_digest(), "level": level,
        "seconds": round(seconds, 1), "targets": list(targets), "summary": summary,
        ("core_aten" if level == "aten" else "api_commands"): commands,
        "ops": {op: {t: {"counts": dict(sorted(ops[op][t].items())),
                         "reasons": [k for k, _ in reasons[op][t].most_common(3) if k]}
                     for t in targets} for op in sorted(ops)},
        "failures": failures,
    }


def api_coverage(seen, targets) -> dict:
    """Per target: the public commands the API-level plans used, those with a rule of their own,
    and those verified (some sample passed, none that ran was wrong). Commands without a rule
    translate through their ATen decomposition."""
    from ..rules.loader import load_rules

    out = {"total": len(seen)}
    for t in targets:
        rules = load_rules(t).rules
        ok = [c for c in seen if seen[c][t][0] > 0 and seen[c][t][1] == 0]
        out[t] = {"with_rule": sum(c in rules for c in seen), "verified": len(ok),
                  "verified_through_decomposition": sum(c not in rules for c in ok)}
    return out


def core_aten_ops() -> list[str]:
    """The overloads tagged ``core`` in this torch (the Core ATen opset): every registered
    ``aten::`` operator, not only those some code has touched (``dir(torch.ops.aten)`` lists the
    packets loaded so far)."""
    import torch

    out = set()
    for name in torch._C._dispatch_get_all_op_names():
        if not name.startswith("aten::"):
            continue
        base, _, overload = name[len("aten::"):].partition(".")
        try:
            op = getattr(getattr(torch.ops.aten, base), overload or "default")
        except (AttributeError, RuntimeError):  # registered without a Python binding
            continue
        if torch.Tag.core in op.tags:
            out.add(f"aten.{base}.{overload or 'default'}")
    return sorted(out)


def core_aten_coverage(aten_pass, targets) -> dict:
    """Per target: Core ATen overloads with a rule, and those verified (some OpInfo sample whose
    plan used the op passed, and none that ran gave a wrong result or an error)."""
    from ..rules.loader import load_rules

    core = core_aten_ops()
    out = {"total": len(core)}
    for t in targets:
        rules = load_rules(t).rules
        verified = [o for o in core if aten_pass.get(o, {}).get(t, [0, 0])[0] > 0
                    and aten_pass[o][t][1] == 0]
        partly = [o for o in core if aten_pass.get(o, {}).get(t, [0, 0])[0] > 0
                  and aten_pass[o][t][1] > 0]
        out[t] = {"with_rule": sum(o in rules for o in core), "verified": len(verified),
                  "verified_some_samples": len(partly),
                  "missing_rule": [o for o in core if o not in rules],
                  "unverified": [o for o in core if o in rules and o not in verified]}
    # overloads no OpInfo plan contains (or none passed): their rule samples, where they pass
    # on the target, are the numerical evidence (counted apart)
    from .samples import verify_with_samples

    unreached = {t: {o for o in out[t]["unverified"] if aten_pass.get(o, {}).get(t, [0, 0])[1]
                     == 0} for t in targets}
    by_samples = verify_with_samples(unreached)
    for t in targets:
        ok = sorted(o for o, v in by_samples.get(t, {}).items() if v == "verified")
        out[t]["verified_by_rule_samples"] = ok
        out[t]["unverified"] = [o for o in out[t]["unverified"] if o not in ok]
        out[t]["rule_sample_failures"] = {o: v for o, v in by_samples.get(t, {}).items()
                                          if v != "verified"}
    return out
