"""The layout pass: keep values channels-last (NHWC) across convolution, pooling, normalization
and activation chains, so a translated CNN transposes only at plan boundaries and where a
reshape needs PyTorch's element order.

Rules translate one op at a time: a convolution rule transposes its NCHW input to NHWC, runs the
target's NHWC kernel and transposes back. Between two such ops the plan then holds
``transpose(transpose(y, [0, 3, 1, 2]), [0, 2, 3, 1])``. This pass works on the translated plan:

1. *Sinking.* An elementwise op whose tensor operands are transposes by the same permutation
   ``p`` (the others being scalars, or broadcast operands that can be re-shaped to the other
   layout without moving data) is computed in the untransposed layout and transposed once after:
   ``relu(T_p(a))`` becomes ``T_p(relu(a))``. Reductions follow with their axes remapped.
2. *Folding.* ``T_q(T_p(y))`` becomes ``T_{p∘q}(y)``: nothing when that is the identity. The
   pass folds as it walks, so a transpose meets its inverse before it would be moved.
3. *Dead transposes* and reshapes are dropped.

Which commands are elementwise or reductions is data: the ``layout:`` section of a target's
mapping file. Every rewrite is an identity of the ops involved (no value changes, only where
the data sits): elementwise results are bit-for-bit the same, and a reduction may only add up
in another order. The tests compare optimized and unoptimized plans on real models. The plan
records the counts in ``plan.layout``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ir import Op, Plan, Ref, Value, fresh_name
from .rules.expr import parse_signature


@dataclass(frozen=True)
class LayoutSpec:
    transpose: str                          # command(x, perm)
    reshape: str                            # command(x, shape)
    elementwise: frozenset[str]
    reduce: dict                            # command -> (params, axis name, keepdims name)

    @classmethod
    def parse(cls, doc: dict, fail) -> LayoutSpec:
        """The ``layout:`` section of a mapping file; ``fail(key, msg)`` reports errors."""
        for key in ("transpose", "reshape"):
            if not isinstance(doc.get(key), str):
                fail(key, f"layout needs '{key}': the target command, e.g. tf.{key}")
        elementwise = doc.get("elementwise") or []
        if not isinstance(elementwise, list) or not all(isinstance(c, str) for c in elementwise):
            fail("elementwise", "layout 'elementwise' is a list of target commands")
        reduce = {}
        for text in doc.get("reduce") or []:
            try:
                sig = parse_signature(str(text))
            except Exception as e:  # noqa: BLE001 - reported with the file's line
                fail("reduce", f"layout 'reduce': bad signature {text!r}: {e}")
            params = list(sig.params)
            if len(params) < 3:
                fail("reduce", f"layout 'reduce': {text!r} needs (x, axis, keepdims)")
            reduce[sig.name] = (params, params[1], params[2], dict(sig.defaults))
        return cls(doc["transpose"], doc["reshape"], frozenset(elementwise), reduce)


def count_transposes(plan: Plan, spec: LayoutSpec) -> int:
    return sum(op.target == spec.transpose for op in plan.ops)


def optimize_layout(plan: Plan, spec: LayoutSpec) -> Plan:
    """Sink and cancel transposes in a translated plan (in place); returns the plan. A plan
    the pass would not improve is left as it was."""
    transposed = {v.name for op in plan.ops if op.target == spec.transpose for v in op.outputs}
    before = sum(op.target == spec.transpose for op in plan.ops)
    movable = spec.elementwise | spec.reduce.keys() | {spec.transpose}
    if not any(op.target in movable and any(n in transposed for n in _refs_of(op))
               for op in plan.ops):     # nothing to sink or fold (an MLP): skip the pass
        plan.layout = {"transposes": before, "before": before}
        return plan
    saved = (list(plan.ops), list(plan.outputs), [(c, c.value) for c in plan.casts],
             [(g, g.ref) for g in plan.guards])
    p = _Pass(plan, spec)
    p.run()
    if count_transposes(plan, spec) > before or (count_transposes(plan, spec) == before
                                                 and len(plan.ops) >= len(saved[0])):
        plan.ops, plan.outputs = saved[0], saved[1]
        for c, v in saved[2]:
            c.value = v
        for g, r in saved[3]:
            g.ref = r
    elif p.renames:
        plan.rename(p.renames)
    plan.layout = {"transposes": count_transposes(plan, spec), "before": before}
    return plan


def _perm_of(op: Op) -> list[int] | None:
    p = op.args[1] if len(op.args) > 1 else op.kwargs.get("perm")
    if isinstance(p, (list, tuple)) and all(isinstance(i, int) for i in p):
        return list(p)
    return None


def _compose(p: list[int], q: list[int]) -> list[int]:
    """The permutation of ``T_q(T_p(x))``: output dim i is input dim p[q[i]]."""
    return [p[i] for i in q]


def _inverse(p: list[int]) -> list[int]:
    inv = [0] * len(p)
    for i, j in enumerate(p):
        inv[j] = i
    return inv


class _Pass:
    def __init__(self, plan: Plan, spec: LayoutSpec):
        self.plan, self.spec = plan, spec
        self.taken = {v.name for v in plan.values()}
        self.producer: dict[str, Op] = {}
        self.rank: dict[str, int] = {v.name: len(v.type.shape) for v in plan.values()
                                     if v.type is not None}
        self.shape: dict[str, tuple] = {v.name: tuple(v.type.shape) for v in plan.values()
                                        if v.type is not None}

    # -- facts about values ------------------------------------------------------------------
    def _learn(self, op: Op):
        for v in op.outputs:
            self.producer[v.name] = op
            self.op_defined.add(v.name)
        out = op.outputs[0].name if len(op.outputs) == 1 else None
        if out is None or out in self.rank:
            return
        if op.target == self.spec.transpose and _perm_of(op) is not None:
            self.rank[out] = len(_perm_of(op))
            src = op.args[0].name if isinstance(op.args[0], Ref) else None
            if src in self.shape:
                self.shape[out] = tuple(self.shape[src][i] for i in _perm_of(op))
        elif op.target == self.spec.reshape and len(op.args) > 1 and isinstance(
                op.args[1], (list, tuple)) and all(isinstance(d, int) and d >= 0
                                                    for d in op.args[1]):
            self.rank[out] = len(op.args[1])
            self.shape[out] = tuple(op.args[1])
        elif op.target in self.spec.elementwise:
            ranks = [self.rank.get(n) for n in _refs_of(op)]
            if ranks and None not in ranks:
                self.rank[out] = max(ranks)

    def transpose_perm(self, name: str) -> tuple[list[int], str] | None:
        op = self.producer.get(name)
        if op is None or op.target != self.spec.transpose or not isinstance(op.args[0], Ref):
            return None
        p = _perm_of(op)
        return (p, op.args[0].name) if p is not None else None

    def new_value(self, base: str) -> Value:
        return Value(fresh_name(base, self.taken), None)

    # -- the pass ----------------------------------------------------------------------------
    def run(self):
        self.outputs = {r.name for r in self.plan.outputs}
        self.alias: dict[str, str] = {}
        self.computed: dict[tuple, str] = {}    # (value, perm) -> the transpose's output
        self.renames: dict[str, str] = {}       # value -> the plan output name it takes
        self.op_defined = {v.name for op in self.plan.ops for v in op.outputs}
        ops: list[Op] = []
        for op in self.plan.ops:
            if self.alias and any(n in self.alias for n in _refs_of(op)):
                op = Op(op.target, _subst(op.args, self.alias),
                        {k: _subst(v, self.alias) for k, v in op.kwargs.items()}, op.outputs,
                        op.source, op.rule)
            ops.extend(self.visit(op))
        self.plan.ops = ops
        self.plan.outputs = [Ref(self.alias.get(r.name, r.name)) for r in self.plan.outputs]
        for c in self.plan.casts:   # a dtype note follows its value to the name that remains
            c.value = self.alias.get(c.value, c.value)
        for g in self.plan.guards:
            g.ref = Ref(self.alias.get(g.ref.name, g.ref.name))
        self.drop_dead()

    def visit(self, op: Op) -> list[Op]:
        """The op; or its rewrite computed in the untransposed layout plus one transpose; or,
        for a transpose of a transpose, one transpose (or nothing, when they cancel)."""
        rewritten = None
        if op.target == self.spec.transpose and len(op.outputs) == 1:
            rewritten = self.fold(op)
        elif op.target in self.spec.elementwise and len(op.outputs) == 1:
            rewritten = self.sink_elementwise(op)
        elif op.target in self.spec.reduce and len(op.outputs) == 1:
            rewritten = self.sink_reduce(op)
        result = [op] if rewritten is None else rewritten
        for o in result:
            self._learn(o)
        return result

    def fold(self, op: Op) -> list[Op] | None:
        """``T_q(T_p(y))`` -> ``T_{p∘q}(y)``, or ``y`` itself when that is the identity; a
        transpose already computed (same value, same permutation) is reused."""
        tp = self.transpose_perm(op.args[0].name) if op.args and isinstance(
            op.args[0], Ref) else None
        q = _perm_of(op)
        out = op.outputs[0].name
        if tp is None or q is None or len(q) != len(tp[0]):
            if q is None or not op.args or not isinstance(op.args[0], Ref):
                return None
            key = (op.args[0].name, tuple(q))
            if key in self.computed and out not in self.outputs:
                self.alias[out] = self.computed[key]
                return []
            self.computed[key] = out
            return None
        c = _compose(tp[0], q)
        if c == list(range(len(c))):
            src = tp[1]
            if out in self.outputs:     # keep the output's name: give it to the value itself
                if src not in self.op_defined or src in self.outputs or src in self.renames:
                    return None
                self.renames[src] = out
            self.alias[out] = src
            return []
        return [Op(op.target, (Ref(tp[1]), c), {}, op.outputs, op.source, op.rule)]

    def sink_elementwise(self, op: Op) -> list[Op] | None:
        refs = _refs_of(op)
        perms = [self.transpose_perm(n) for n in refs]
        found = [p for p in perms if p is not None]
        if not found:
            return None
        p = found[0][0]
        r = len(p)
        if any(q[0] != p for q in found) or any(self.rank.get(n) not in range(r + 1)
                                               for n in refs):
            return None
        pre: list[Op] = []
        replace: dict[str, str] = {}
        for n, tp in zip(refs, perms):
            if n in replace:
                continue
            if tp is not None:
                replace[n] = tp[1]
            elif self.rank[n] == 0:
                replace[n] = n
            elif (n, tuple(_inverse(p))) in self.computed:
                # already transposed to the other layout (a residual input also feeding a
                # convolution): use that
                replace[n] = self.computed[(n, tuple(_inverse(p)))]
            else:
                shape = self.shape.get(n)
                if shape is None:
                    return None
                padded = (1,) * (r - len(shape)) + tuple(shape)
                inv = _inverse(p)
                new_shape = [padded[inv[j]] for j in range(r)]
                if [inv[j] for j in range(r) if padded[inv[j]] != 1] != \
                        [j for j in range(r) if padded[j] != 1]:
                    return None     # the operand itself would need a transpose (compare axes,
                    # not sizes: [2, 16, 16, 16] is not [2, 16, 16, 16] transposed)
                if new_shape == list(shape):
                    replace[n] = n
                    continue
                v = self.new_value(n)
                pre.append(Op(self.spec.reshape, (Ref(n), new_shape), {}, [v], op.source,
                              "layout pass"))
                self.shape[v.name], self.rank[v.name] = tuple(new_shape), r
                replace[n] = v.name
        inner = self.new_value(op.outputs[0].name)
        new_op = Op(op.target, _subst(op.args, replace),
                    {k: _subst(v, replace) for k, v in op.kwargs.items()}, [inner], op.source,
                    op.rule)
        back = Op(self.spec.transpose, (Ref(inner.name), list(p)), {}, list(op.outputs),
                  op.source, "layout pass")
        for o in pre:
            self._learn(o)
        self._learn(new_op)
        return pre + [new_op, back]

    def sink_reduce(self, op: Op) -> list[Op] | None:
        params, axis_name, keep_name, defaults = self.spec.reduce[op.target]
        if not op.args or not isinstance(op.args[0], Ref):
            return None
        tp = self.transpose_perm(op.args[0].name)
        if tp is None or any(isinstance(a, Ref) for a in op.args[1:]) or any(
                isinstance(v, Ref) for v in op.kwargs.values()):
            return None
        p, src = tp
        r = len(p)
        bound = dict(defaults)
        bound.update(zip(params, op.args))
        bound.update(op.kwargs)
        axis, keep = bound.get(axis_name), bool(bound.get(keep_name))
        if axis is None:
            axes = list(range(r))
        else:
            axes = [axis] if isinstance(axis, int) else list(axis)
            if not all(isinstance(a, int) and -r <= a < r for a in axes):
                return None
            axes = sorted({a % r for a in axes})
        new_axes = sorted(p[a] for a in axes)
        args = list(op.args)
        kwargs = dict(op.kwargs)
        new_axis = new_axes if not isinstance(axis, int) or len(new_axes) != 1 else new_axes[0]
        if axis_name in kwargs or len(args) <= 1:
            kwargs[axis_name] = new_axis
        else:
            args[1] = new_axis
        args[0] = Ref(src)
        if keep:
            q = p
        else:
            rest = [a for a in range(r) if a not in axes]
            remaining = sorted(p[a] for a in rest)
            q = [remaining.index(p[a]) for a in rest]
        if q == list(range(len(q))):
            return [Op(op.target, tuple(args), kwargs, list(op.outputs), op.source, op.rule)]
        inner = self.new_value(op.outputs[0].name)
        new_op = Op(op.target, tuple(args), kwargs, [inner], op.source, op.rule)
        self._learn(new_op)
        return [new_op, Op(self.spec.transpose, (Ref(inner.name), q), {}, list(op.outputs),
                           op.source, "layout pass")]

    def drop_dead(self):
        """Remove transposes and reshapes nobody reads (the pass's leftovers)."""
        layout_ops = (self.spec.transpose, self.spec.reshape)
        uses: dict[str, int] = {r.name: 1 for r in self.plan.outputs}
        uses.update({g.ref.name: 1 for g in self.plan.guards})
        reads = [_refs_of(op) for op in self.plan.ops]
        for names in reads:
            for n in names:
                uses[n] = uses.get(n, 0) + 1
        dead = [False] * len(self.plan.ops)
        changed = True
        while changed:
            changed = False
            for i in range(len(self.plan.ops) - 1, -1, -1):
                op = self.plan.ops[i]
                if dead[i] or op.target not in layout_ops or any(
                        uses.get(v.name, 0) for v in op.outputs):
                    continue
                dead[i], changed = True, True
                for n in reads[i]:
                    uses[n] -= 1
        self.plan.ops = [op for i, op in enumerate(self.plan.ops) if not dead[i]]


def _refs_of(op: Op) -> list[str]:
    """The names an op reads (flat ops of Refs and literals are the common, fast case)."""
    out = []
    for a in op.args:
        if isinstance(a, Ref):
            out.append(a.name)
        elif isinstance(a, (list, tuple)):
            out.extend(_refs_in(a))
    for a in op.kwargs.values():
        if isinstance(a, Ref):
            out.append(a.name)
        elif isinstance(a, (list, tuple)):
            out.extend(_refs_in(a))
    return out


def _refs_in(items) -> list[str]:
    out = []
    for a in items:
        if isinstance(a, Ref):
            out.append(a.name)
        elif isinstance(a, (list, tuple)):
            out.extend(_refs_in(a))
    return out


def _subst(a, names: dict[str, str]):
    if isinstance(a, Ref):
        return Ref(names.get(a.name, a.name))
    if isinstance(a, list):
        return [_subst(x, names) for x in a]
    if isinstance(a, tuple):
        return tuple(_subst(x, names) for x in a)
    return a
