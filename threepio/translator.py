"""The translator: a source plan (ATen or PyTorch API) -> a plan in a target's commands.

It walks the plan once. For each op it finds the rule under the op's canonical key, binds the
op's arguments to the rule's documented signature, picks the first case whose condition holds
and evaluates its expansion, which emits target commands. Values keep their names; commands
introduced inside an expansion get derived names. Dtypes the target lacks are mapped by the
target's policy and every such change is recorded in ``plan.casts``. An op with no rule, or
whose rule refuses the inputs, stops translation with a :class:`TranslationError` that names
the op, its position, the target and the closest mapped commands: never a guess.

>>> tfjs_plan = threepio.translate(plan, "tfjs")       # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from .errors import TranslationError
from .int_ranges import dtype_range
from .ir import Cast, Constant, Guard, Op, Plan, Ref, TensorType, Value, map_refs
from .plan_text import format_op
from .rules.expr import ExprError, truth
from .rules.helpers import HELPERS
from .rules.loader import load_rules
from .rules.model import Rule, RuleSet


class Sym:
    """A target value during translation. Its name is fixed when the expansion finishes."""

    __slots__ = ("value", "pending")
    is_symbolic = True

    def __init__(self, value: Value, pending: bool = False):
        self.value = value
        self.pending = pending

    @property
    def type(self) -> TensorType | None:
        return self.value.type

    def attr(self, name: str):
        t = self.value.type
        if name not in ("shape", "rank", "dtype", "numel"):
            raise ExprError(f"a tensor has shape, rank, dtype and numel, not {name!r}")
        if t is None:
            raise ExprError(f"the {name} of {self} is not known statically")
        return list(t.shape) if name == "shape" else getattr(t, name)

    def __repr__(self):
        return f"%{self.value.name}"


class _Translator:
    def __init__(self, plan: Plan, rules: RuleSet, allow_int_wrap: bool = False):
        self.src, self.rules = plan, rules
        self.allow_int_wrap = allow_int_wrap
        self._ranges = self._bounds = self._types = None
        self.out = Plan(plan.name, rules.target)
        self.env: dict[str, Sym] = {}
        self.taken = {v.name for v in plan.values()}
        self._next: dict[str, int] = {}
        self.uses: dict[str, int] = {}
        for op in plan.ops:
            for n in op.refs():
                self.uses[n] = self.uses.get(n, 0) + 1
        for r in [*plan.outputs, *(g.ref for g in plan.guards)]:
            self.uses[r.name] = self.uses.get(r.name, 0) + 1
        self._consts: dict = {}
        self.rule_guards: list[Guard] = []  # runtime conditions rules added (helper guard())

    # -- names and types ---------------------------------------------------------------------
    def fresh(self, base: str) -> str:
        k = self._next.get(base, 1)   # where the last search for this base stopped
        while f"{base}_{k}" in self.taken:
            k += 1
        self._next[base] = k + 1
        self.taken.add(f"{base}_{k}")
        return f"{base}_{k}"

    def map_type(self, t: TensorType | None) -> TensorType | None:
        if t is None:
            return None
        why = self.rules.unsupported_dtype(t.dtype)
        if why is not None:
            raise _Refused(f"{t.dtype} values cannot be represented on {self.rules.target}: "
                           f"{why}")
        return TensorType(self.rules.map_dtype(t.dtype), t.shape)

    # -- plan boundaries ---------------------------------------------------------------------
    def inputs(self):
        try:
            self._inputs()
        except _Refused as e:
            raise TranslationError(f"plan {self.src.name!r}: {e}", target=self.rules.target) \
                from None

    def _inputs(self):
        for v in self.src.inputs:
            nv = Value(v.name, self.map_type(v.type))
            self.out.inputs.append(nv)
            self.env[v.name] = Sym(nv)
            self._note_cast(v, nv, boundary=True)
        for c in self.src.constants:
            t = self.map_type(c.type)
            data = self._convert(c.data, c.type.dtype, t.dtype, f"constant %{c.name}")
            self.out.constants.append(Constant(c.name, t, data))
            self.env[c.name] = Sym(Value(c.name, t))
            self._note_cast(Value(c.name, c.type), Value(c.name, t), boundary=True)

    def _note_cast(self, old: Value, new: Value, boundary: bool, op: Op | None = None):
        if old.type is None or new.type is None or old.type.dtype == new.type.dtype:
            return
        m = self.rules.dtypes[old.type.dtype]
        bounds = None
        if boundary:
            is_input = m.checked and old in self.src.inputs
            if is_input:
                bounds = self.input_bounds().get(old.type.dtype)
            full = bounds is None or bounds == dtype_range(new.type.dtype)
            reason = m.why + ("" if not is_input else "; values are range-checked when the plan "
                              "runs" if full else f"; values are range-checked to [{bounds[0]}, "
                              f"{bounds[1]}] when the plan runs, so that every {new.type.dtype} "
                              "value computed from them is exact")
            checked = m.checked
        else:
            reason = f"{m.why}; {op.target} computes it in {new.type.dtype}"
            reason += self._int_narrowing(old, new.type.dtype, op)
            checked = False
        self.out.casts.append(Cast(new.name, old.type.dtype, new.type.dtype, checked, reason,
                                   None if bounds is None or full else tuple(bounds)))

    def value_range(self, name: str):
        """The proven (lo, hi) of a source integer value (interval analysis over the plan, plan
        inputs within the range they are checked against), or None."""
        if self._ranges is None:
            self.input_bounds()
        return self._ranges.get(name)

    def input_bounds(self) -> dict[str, tuple[int, int]]:
        """The range each range-checked input dtype is checked against: the target dtype's,
        or the widest power-of-two range that proves every narrowed value of the plan exact."""
        if self._bounds is None:
            self._bounds, self._ranges = _choose_bounds(self.src, self.rules)
        return self._bounds

    def _int_narrowing(self, old: Value, to: str, op: Op) -> str:
        """For an integer value computed in another integer dtype: its proven range, or a
        refusal (unless the caller accepts wrapping)."""
        from .int_ranges import dtype_range, fits

        src = old.type.dtype
        if src == "bool" or dtype_range(src) is None or dtype_range(to) is None:
            return ""
        self.input_bounds()
        r = self._ranges.get(old.name)
        if fits(r, src) and fits(r, to):
            return f"; range [{r[0]}, {r[1]}] proven"
        seen = f"it can reach [{r[0]}, {r[1]}]" if r else "its range could not be bounded"
        if self.allow_int_wrap:
            return f"; range not proven ({seen}): values beyond {to} wrap"
        raise _Refused(
            f"{src} %{old.name} is computed in {to} on {self.rules.target}, and {seen}, so it "
            f"may not fit {to} (or {src}, where PyTorch itself would wrap); cast it to {to} in "
            "PyTorch (overflow then wraps the same way on both), or translate with "
            "allow_int_wrap=True (--allow-int-wrap) to accept that out-of-range values wrap")

    def _convert(self, data, src: str, dst: str, what: str):
        arr = np.asarray(data)
        if src != dst and np.issubdtype(np.dtype(dst), np.integer):
            info = np.iinfo(dst)
            if arr.size and (arr.min() < info.min or arr.max() > info.max):
                bad = arr.max() if arr.max() > info.max else arr.min()
                raise TranslationError(f"{what}: holds {bad}, which does not fit {dst} on "
                                       f"{self.rules.target}", target=self.rules.target)
        return arr.astype(dst)

    def constant(self, value, dtype: str) -> Sym:
        arr = np.asarray(value)
        if np.issubdtype(np.dtype(dtype), np.integer) and arr.size:
            info = np.iinfo(dtype)
            if arr.min() < info.min or arr.max() > info.max:
                raise ExprError(f"constant {value} does not fit {dtype}")
        arr = arr.astype(dtype)
        key = (dtype, arr.shape, arr.tobytes())
        if key not in self._consts:
            name = self.fresh("c")
            t = TensorType(dtype, tuple(arr.shape))
            self.out.constants.append(Constant(name, t, arr))
            self._consts[key] = Sym(Value(name, t))
        return self._consts[key]

    # -- ops ---------------------------------------------------------------------------------
    def run(self) -> Plan:
        self.inputs()
        for i, op in enumerate(self.src.ops):
            self.op(i, op)
        self.out.outputs = [Ref(self.env[r.name].value.name) for r in self.src.outputs]
        self.out.guards = [Guard(Ref(self.env[g.ref.name].value.name), g.message)
                           for g in self.src.guards] + self.rule_guards
        return self.out

    def op(self, index: int, op: Op):
        rule = self.rules.get(op.target)
        if rule is None and self.src.namespace == "torch" and not op.target.startswith("aten."):
            return self.via_decomposition(index, op)
        if rule is None:
            raise self.error(index, op, f"no rule for {op.target} in "
                             f"{', '.join(self.rules.files)}", suggest=True)
        self._check_discrete_from_narrowed(index, op)
        ctx = _Ctx(self, op, rule)
        try:
            bound = self.bind(rule, op)
        except ExprError as e:
            raise self.error(index, op, f"{e} (rule {rule.where})") from None
        except _Refused as e:
            raise self.error(index, op, str(e)) from None
        ctx.vars.update(bound)
        ctx.source_types = {id(self.env[n]): self._types.get(n) for n in op.refs()
                            if n in self.env}
        ctx.source_names = {id(self.env[n]): n for n in op.refs() if n in self.env}
        ctx.vars["out"] = ctx.vars["outs"][0] if ctx.vars["outs"] else None
        try:
            result = self.apply(ctx, rule)
        except _Decompose as e:
            return self.via_decomposition(index, op, e.expansion)
        except ExprError as e:
            raise self.error(index, op, f"rule {rule.where} failed: {e}") from None
        except _Refused as e:
            raise self.error(index, op, str(e)) from None
        except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError,
                OverflowError) as e:
            # a static helper met arguments the rule did not guard against: refuse, never crash
            raise self.error(index, op, f"rule {rule.where} failed on these arguments: "
                             f"{type(e).__name__}: {e}") from None
        self.finish(index, op, rule, ctx, result)

    def _check_discrete_from_narrowed(self, index: int, op: Op):
        """A float the target computes in a narrower float (TF.js: float64 in float32) is
        within tolerance; turned into an integer or a bool it is not (a rounding crosses an
        integer or a threshold): refuse."""
        if self._types is None:
            self._types = self.src.types()
        outs = [v.type.dtype for v in op.outputs if v.type is not None
                and (v.type.dtype == "bool" or v.type.dtype.startswith(("int", "uint")))
                and self.uses.get(v.name)]  # a used index, count, mask... (sort's indices)
        if not outs:
            return
        for n in op.refs():
            t = self._types.get(n)
            if t is None or not t.dtype.startswith("float"):
                continue
            to = self.rules.map_dtype(t.dtype)
            if to != t.dtype and np.finfo(to).bits < np.finfo(t.dtype).bits:
                raise self.error(index, op, f"%{n} is {t.dtype} in PyTorch and {to} on "
                                 f"{self.rules.target}; {op.target} turns it into "
                                 f"{', '.join(outs)}, where a {to} rounding can change the "
                                 f"result by a whole unit: compute it in {to} in PyTorch "
                                 "first, or translate for a target that has "
                                 f"{t.dtype}")

    def via_decomposition(self, index: int, op: Op, expansion: str | None = None):
        """An API-level command without a rule: translate its Core ATen decomposition
        (:mod:`threepio.decompose`) in its place; or, for a rule that says ``expand: name``,
        the ATen ops of that :mod:`threepio.expansions` function, with its guards."""
        from .decompose import NotDecomposable, decompose

        if self._types is None:
            self._types = self.src.types()
        try:
            sub = decompose(op, self._types, self.fresh, expansion)
        except NotDecomposable as e:
            if expansion is not None:
                raise self.error(index, op, f"expansion {expansion!r} of {op.target} failed: "
                                 f"{e}") from None
            raise self.error(index, op, f"no rule for {op.target} in "
                             f"{', '.join(self.rules.files)}, and {e}", suggest=True) from None
        self._types.update(sub.types())
        try:
            for c in sub.constants:
                t = self.map_type(c.type)
                data = self._convert(c.data, c.type.dtype, t.dtype, f"constant %{c.name}")
                self.out.constants.append(Constant(c.name, t, data))
                self.env[c.name] = Sym(Value(c.name, t))
        except _Refused as e:
            raise self.error(index, op, str(e)) from None
        for sop in sub.ops:
            for n in sop.refs():
                self.uses[n] = self.uses.get(n, 0) + 1
        if any(m.checked for m in self.rules.dtypes.values()):
            from .int_ranges import value_ranges

            self.input_bounds()
            known = {n: self._ranges.get(n) for n in op.refs()}
            self._ranges.update(value_ranges(sub, known=known))
        for k, sop in enumerate(sub.ops):
            sop.source = op.source
            try:
                self.op(index, sop)
            except TranslationError as e:
                raise TranslationError(
                    f"{e}\n  (op {index} `{op.target}` has no rule of its own on "
                    f"{self.rules.target}; this is step {k} of its ATen decomposition)"
                    if expansion is None else f"{e}\n  (step {k} of expansion {expansion!r} "
                    f"of op {index} `{op.target}`)",
                    op=e.op, index=index, target=self.rules.target,
                    suggestions=e.suggestions) from None
        for r, v in zip(sub.outputs, op.outputs):
            self.env.setdefault(v.name, self.env[r.name])
        for g in sub.guards:
            self.rule_guards.append(Guard(Ref(self.env[g.ref.name].value.name),
                                          f"op {index} {op.target}: {g.message}"))

    def apply(self, ctx, rule: Rule):
        tried = []
        for case in rule.cases:
            if case.when is not None:
                saved, ctx.emitting = dict(ctx.vars), False
                try:
                    ok = truth(case.when.ev(ctx))
                finally:  # a condition's own assignments do not leak into the expansion
                    ctx.vars, ctx.emitting = saved, True
                if not ok:
                    tried.append(case.when_text)
                    continue
            if case.unsupported is not None:
                raise _Refused(f"refused by rule {rule.where}: {case.unsupported}")
            if case.decompose is not None:
                raise _Decompose(case.decompose)
            if case.expand is not None:
                raise _Decompose(case.decompose, case.expand)
            return case.emit.ev(ctx)
        raise _Refused(f"no case of rule {rule.where} applies; its conditions: "
                       + "; ".join(f"`{t}`" for t in tried))

    def bind(self, rule: Rule, op: Op) -> dict:
        sig = rule.signature
        extra = list(op.args[len(sig.positional):])
        if extra and sig.varargs:
            op_args = op.args[:len(sig.positional)]
        else:
            op_args, extra = op.args, []
        if len(op_args) > len(sig.positional):
            raise ExprError(f"{len(op.args)} positional arguments but the rule's signature "
                            f"`{sig}` takes {len(sig.positional)}")
        vals = dict(zip(sig.positional, op_args))
        if sig.varargs:
            vals[sig.varargs] = extra[0] if len(extra) == 1 and isinstance(extra[0], list) \
                else extra
        for k, v in op.kwargs.items():
            if k not in sig.params:
                raise ExprError(f"keyword {k!r} is not in the rule's signature `{sig}`")
            if k in vals:
                raise ExprError(f"{k!r} given twice")
            vals[k] = v
        defaults = dict(sig.defaults)
        for p in sig.params:
            if p not in vals:
                if p not in defaults:
                    raise ExprError(f"missing argument {p!r} for `{sig}`")
                vals[p] = defaults[p]
        sym = {k: map_refs(v, lambda r: self.env[r.name]) for k, v in vals.items()}
        outs = [Sym(Value(o.name, self.map_type(o.type))) for o in op.outputs]
        return dict(sym, outs=outs)

    def finish(self, index, op: Op, rule: Rule, ctx, result):
        results = list(result) if isinstance(result, (tuple, list)) and len(op.outputs) > 1 \
            else [result]
        if len(results) != len(op.outputs):
            raise self.error(index, op, f"rule {rule.where} produced {len(results)} values for "
                             f"{len(op.outputs)} outputs")
        for src_out, res in zip(op.outputs, results):
            want = self.map_type(src_out.type)
            if res is None:
                if self.uses.get(src_out.name):
                    raise self.error(index, op, f"rule {rule.where} gives no value for output "
                                     f"%{src_out.name}, which is used")
                continue
            if not isinstance(res, Sym):
                raise self.error(index, op, f"rule {rule.where} produced {res!r}, not a tensor")
            if res.pending:
                res.value.name, res.value.type, res.pending = src_out.name, want, False
            elif res.type and want and (res.type.shape != want.shape
                                        or res.type.dtype != want.dtype):
                raise self.error(index, op, f"rule {rule.where} produced {res.type} for "
                                 f"%{src_out.name}, expected {want}")
            self.env[src_out.name] = res
            if res.value.name == src_out.name:
                try:
                    self._note_cast(src_out, res.value, boundary=False, op=op)
                except _Refused as e:
                    raise self.error(index, op, str(e)) from None
        base = op.outputs[0].name if op.outputs else "v"
        for new in ctx.emitted:
            for v in new.outputs:
                if v.pending:
                    v.value.name, v.pending = self.fresh(base), False
            self.out.ops.append(Op(new.target, _ref(new.args),
                                   {k: _ref(v) for k, v in new.kwargs.items()},
                                   [s.value for s in new.outputs], op.source, rule.where))
        for cond, message in ctx.guards:
            if cond.pending:
                raise self.error(index, op, f"rule {rule.where}: the guard's condition is not "
                                 "one of the ops the rule emitted")
            self.rule_guards.append(Guard(Ref(cond.value.name),
                                          f"op {index} {op.target}: {message}"))

    def error(self, index: int, op: Op, reason: str, suggest: bool = False):
        sugg = ()
        if suggest:  # same name or a synonym (mappings/synonyms.yaml), then similar spellings
            from .catalog.search import suggest as nearest

            sugg = nearest(op.target, self.rules.rules, n=5)
        msg = (f"cannot translate op {index} `{format_op(op).split('   #')[0]}`"
               f" ({op.source or 'no source line'}) to {self.rules.target}: {reason}")
        if sugg:
            msg += "\n  closest mapped commands: " + ", ".join(sugg)
        if suggest:
            msg += (f"\n  add a rule for {op.target} to mappings/{self.rules.target}.yaml, "
                    "or rewrite the program with mapped commands")
        return TranslationError(msg, op=op.target, index=index, target=self.rules.target,
                                suggestions=sugg)


class _Refused(Exception):
    pass


class _Decompose(Exception):
    """A rule case chose the command's Core ATen decomposition (or a threepio expansion)."""

    def __init__(self, reason, expansion: str | None = None):
        super().__init__(reason)
        self.expansion = expansion


def _choose_bounds(plan: Plan, rules: RuleSet):
    """(input bounds per checked dtype, value ranges under them): the target dtype's full range
    when that proves every narrowed value; else the widest [-2**k, 2**k - 1] that does."""
    from .int_ranges import dtype_range, fits, value_ranges

    full = {dt: dtype_range(m.to) for dt, m in rules.dtypes.items()
            if m.checked and m.to and dtype_range(m.to) is not None and dtype_range(dt)}
    narrowed = [v for op in plan.ops for v in op.outputs
                if v.type is not None and v.type.dtype in full]
    if not narrowed or not any(v.type is not None and v.type.dtype in full
                               for v in plan.inputs):
        return full, value_ranges(plan, full)

    def proven(bounds):
        ranges = value_ranges(plan, bounds)
        return all(fits(ranges.get(v.name), v.type.dtype) and
                   fits(ranges.get(v.name), rules.map_dtype(v.type.dtype)) for v in narrowed), \
            ranges

    ok, ranges = proven(full)
    if ok:
        return full, ranges
    lo, hi, best = 0, 30, None          # the largest k with every value proven
    while lo <= hi:
        k = (lo + hi) // 2
        bounds = {dt: (-2**k, 2**k - 1) for dt in full}
        ok, r = proven(bounds)
        if ok:
            best, lo = (bounds, r), k + 1
        else:
            hi = k - 1
    return best if best is not None else (full, ranges)


def _ref(a):
    """Replace the Syms inside an emitted argument by Refs to their final names."""
    if isinstance(a, Sym):
        return Ref(a.value.name)
    if isinstance(a, (list, tuple)):
        return type(a)(_ref(x) for x in a)
    return a


class _Emitted:
    __slots__ = ("target", "args", "kwargs", "outputs")

    def __init__(self, target, args, kwargs, outputs):
        self.target, self.args, self.kwargs, self.outputs = target, args, kwargs, outputs


class _Ctx:
    """What a rule expression sees while one op is translated."""

    def __init__(self, tr: _Translator, op: Op, rule: Rule):
        self.tr, self.op, self.rule, self.rules = tr, op, rule, tr.rules
        self.prefixes = tr.rules.prefixes
        self.vars: dict = {}
        self.emitted: list[_Emitted] = []
        self.guards: list[tuple[Sym, str]] = []  # runtime conditions the rule added (guard())
        self.emitting = True
        self.source_types: dict = {}  # id of an argument's Sym -> its type in the PyTorch plan
        self.source_names: dict = {}  # id of an argument's Sym -> its name in the PyTorch plan

    def helper(self, name):
        return HELPERS.get(name)

    def helper_names(self):
        return HELPERS.keys()

    def emit(self, cmd: str, args, kwargs, n_outputs: int = 1):
        if not self.emitting:
            raise ExprError(f"a condition cannot call the target command {cmd}")
        if cmd not in self.rules.commands and not cmd == "":
            raise ExprError(f"{cmd} is not a declared command of {self.rules.target}")
        outs = [Sym(Value("", None), pending=True) for _ in range(n_outputs)]
        self.emitted.append(_Emitted(cmd, tuple(args), kwargs, outs))
        return outs[0] if n_outputs == 1 else tuple(outs)

    def cast(self, x, dtype):
        saved = dict(self.vars)
        self.vars.update(x=x, dtype=dtype)
        try:
            y = self.rules.cast.ev(self)
        finally:
            self.vars = saved
        if isinstance(y, Sym) and y.pending and x.type is not None:
            y.value.type = TensorType(dtype, x.type.shape)
        return y

    def constant(self, value, dtype):
        return self.tr.constant(value, dtype)

    def output_used(self, i):
        return bool(self.tr.uses.get(self.op.outputs[i].name))


def translate(plan: Plan, target: str, *, rules: RuleSet | None = None,
              layout: bool = True, allow_int_wrap: bool = False) -> Plan:
    """Translate ``plan`` to ``target`` (``"tfjs"``, ``"tf"`` or ``"numpy"``).

    Raises :class:`TranslationError` for an op with no exact translation. With ``layout``
    (the default) targets whose map has a ``layout:`` section keep convolution stacks in NHWC
    (:mod:`threepio.layout`); ``plan.layout`` then counts the transposes left. An integer value
    the target computes in a narrower dtype (TF.js: int64 in int32) must have a range proven to
    fit (:mod:`threepio.int_ranges`); ``allow_int_wrap`` accepts the others, recorded in
    ``plan.casts``.

    >>> plan = threepio.trace(step, example_inputs)         # doctest: +SKIP
    >>> print(threepio.translate(plan, "tfjs"))             # doctest: +SKIP
    """
    if plan.namespace not in ("aten", "torch"):
        raise TranslationError(f"plan {plan.name!r} is already in the {plan.namespace} "
                               "namespace; translate takes a traced PyTorch plan",
                               target=target)
    rules = rules or load_rules(target)
    tr = _Translator(plan, rules, allow_int_wrap)
    out = tr.run()
    if layout and rules.layout is not None:
        from .layout import optimize_layout

        optimize_layout(out, rules.layout)
    return out.lint()
