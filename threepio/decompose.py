"""API-level commands without a rule of their own: translated through their ATen decomposition.

An API-level plan (``torch.nn.functional.gelu``, ``torch.Tensor.norm``...) keeps the commands a
user wrote. A target's map has rules for the common ones; for every other public command the
translator traces that one call to Core ATen (``make_fx`` with the Core ATen decompositions, on
tensors of the op's recorded shapes and dtypes) and translates the ATen ops instead. The result
is accepted only if the decomposition reproduces the op's recorded output types; a graph that
depends on the values (a boolean mask, ``nonzero``) does not, and is refused.

>>> sub = decompose(op, types)           # doctest: +SKIP  (an ATen plan for that one call)
"""

from __future__ import annotations

from .errors import ThreepioError
from .ir import Cast, Constant, Guard, Op, Plan, Ref, TensorType, Value, map_refs


class NotDecomposable(ThreepioError):
    """The op has no usable ATen decomposition (the reason says why)."""


def decompose(op: Op, types: dict[str, TensorType | None], fresh,
              expansion: str | None = None) -> Plan:
    """The Core ATen plan of one API-level op: its inputs are the op's tensor arguments and its
    outputs the op's outputs, named as in the source plan; other values get ``fresh(base)``.
    With ``expansion``, the plan of that :mod:`threepio.expansions` function applied to the
    op's arguments instead (any op), its :func:`~threepio.expansions.require` conditions
    becoming the plan's guards."""
    names = list(dict.fromkeys(op.refs()))
    if any(types.get(n) is None for n in names) or any(v.type is None for v in op.outputs):
        raise NotDecomposable("its operand types are not known")
    key = (op.target, _shape_of(op.args), _shape_of(tuple(op.kwargs.items())),
           tuple((n, types[n]) for n in names), tuple(v.type for v in op.outputs), expansion)
    try:
        sub = _traced(key, op, tuple(types[n] for n in names), expansion)
    except NotDecomposable:
        raise
    except Exception as e:  # noqa: BLE001 - torch raises many kinds; report which and why
        raise NotDecomposable(f"tracing it to ATen failed: {type(e).__name__}: "
                              f"{str(e).splitlines()[0][:200]}") from None
    return _named(sub, names, [v.name for v in op.outputs], fresh)


def _shape_of(args):
    """The structure of an op's arguments with every tensor reference reduced to its position
    among the op's operands (so the cache key does not depend on value names)."""
    return repr(map_refs(args, lambda r: Ref("_")))


_CACHE: dict = {}


def _traced(key, op: Op, operand_types: tuple[TensorType, ...], expansion=None) -> Plan:
    if key in _CACHE:
        return _CACHE[key]
    if len(_CACHE) > 2048:
        _CACHE.clear()
    import torch

    from .tracing.api import run_api_plan
    from .tracing.aten import trace_aten
    from .tracing.record import record_aten

    names = list(dict.fromkeys(op.refs()))
    one = Plan("op", "torch", [Value(n, t) for n, t in zip(names, operand_types)], [],
               [Op(op.target, op.args, dict(op.kwargs), [Value(v.name, v.type)
                                                         for v in op.outputs], op.source)],
               [Ref(v.name) for v in op.outputs])
    fn, required = (lambda *xs: tuple(run_api_plan(one, xs))), []
    if expansion is not None:
        fn = _expansion_call(op, names, expansion, required)
    sub, error = None, None
    for ints in (0, 1):     # integer operands are often indices (0 is valid) or divisors (1)
        g = torch.Generator().manual_seed(0)
        examples = [_example(t, g, ints) for t in operand_types]
        if expansion is not None:   # a long straight-line program: record it directly
            try:
                sub = record_aten(fn, examples, name=op.target)
                break
            except Exception:  # noqa: BLE001 - make_fx traces it, or says why it cannot
                required.clear()
        try:
            sub = trace_aten(fn, examples, requires_grad=False, name=op.target,
                             source_lines=False)   # the op's own source line is kept
            break
        except ThreepioError as e:
            error = e
    if sub is None:
        raise error
    if sub.guards:
        raise NotDecomposable(f"its decomposition reads values from the data "
                              f"({sub.guards[0].message}): the graph depends on the values")
    if required:
        n = len(sub.outputs) - len(required)
        sub.guards = [Guard(r, m) for r, m in zip(sub.outputs[n:], required)]
        sub.outputs = sub.outputs[:n]
    got = [sub.types()[r.name] for r in sub.outputs]
    want = [v.type for v in op.outputs]
    if got != want:
        raise NotDecomposable(f"its decomposition gives {', '.join(map(str, got))} for "
                              f"{', '.join(map(str, want))}: the graph depends on the values")
    _CACHE[key] = sub
    return sub


def _expansion_call(op: Op, names: list[str], name: str, messages: list[str]):
    """The traceable function of an expansion applied to ``op``'s arguments: its outputs, then
    the bool tensors it required (their messages are collected into ``messages``)."""
    from .expansions import load_all, take_required

    impl = load_all()[name]

    def call(*xs):
        env = dict(zip(names, xs))
        args = map_refs(op.args, lambda r: env[r.name])
        kwargs = {k: map_refs(v, lambda r: env[r.name]) for k, v in op.kwargs.items()}
        take_required()
        outs = impl(*args, **kwargs)
        outs = tuple(outs) if isinstance(outs, (tuple, list)) else (outs,)
        conds = take_required()
        messages[:] = [m for _, m in conds]
        return (*outs, *(c for c, _ in conds))
    return call


def _example(t: TensorType, g, ints: int):
    import torch

    dtype = getattr(torch, t.dtype)
    if dtype == torch.bool:
        return torch.rand(t.shape, generator=g) > 0.5
    if dtype.is_floating_point or dtype.is_complex:
        return torch.rand(t.shape, generator=g).to(dtype) + 0.5
    return torch.full(t.shape, ints, dtype=dtype)


def _named(sub: Plan, inputs: list[str], outputs: list[str], fresh) -> Plan:
    """A copy of ``sub`` named into the source plan: inputs and outputs take the op's names,
    the values in between fresh ones (in definition order). The cached ``sub`` is never
    changed: every value, op and argument list of the copy is new (constant data, read-only
    to the translator, is shared)."""
    final = {v.name: n for v, n in zip(sub.inputs, inputs)}
    for r, n in zip(sub.outputs, outputs):
        final.setdefault(r.name, n)         # an output that is an operand keeps its name
    for v in sub.values():
        if v.name not in final:
            final[v.name] = fresh(outputs[0] if outputs else "v")

    def arg(a):
        if isinstance(a, Ref):
            return Ref(final[a.name])
        if isinstance(a, (list, tuple)):
            return [arg(x) for x in a]
        return a

    return Plan(sub.name, sub.namespace,
                [Value(final[v.name], v.type) for v in sub.inputs],
                [Constant(final[c.name], c.type, c.data) for c in sub.constants],
                [Op(op.target, tuple(arg(a) for a in op.args),
                    {k: arg(a) for k, a in op.kwargs.items()},
                    [Value(final[v.name], v.type) for v in op.outputs], op.source, op.rule)
                 for op in sub.ops],
                [Ref(final[r.name]) for r in sub.outputs],
                [Cast(final.get(c.value, c.value), c.from_dtype, c.to_dtype, c.checked,
                      c.reason, c.range) for c in sub.casts],
                guards=[Guard(Ref(final[g.ref.name]), g.message) for g in sub.guards])
