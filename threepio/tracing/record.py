"""A lighter ATen tracer for straight-line tensor programs (the expansions).

:func:`~threepio.tracing.aten.trace_aten` builds an FX graph with ``make_fx``, which costs
about half a millisecond per op (proxies, node metadata, graph bookkeeping): an unrolled
expansion of a thousand ops takes half a second to trace, once per shape. :func:`record_aten`
runs the program once on its example tensors under a dispatch mode that appends each ATen
call to a plan as it happens, applying the same Core ATen decompositions as ``trace_aten``
(the table first, then the op's CompositeImplicitAutograd kernel where autograd would have
used it, as ``make_fx`` does), so the plan holds the same ops (less ``alias``, which names
the same values, and ``lift_fresh_copy``: a constant is used directly).

It records only what it can record exactly; anything else raises :class:`Unrecordable` and
the caller traces with ``trace_aten`` instead, which handles it (or refuses it with its
reason): an op that mutates a tensor, a value read from the data (``.item()``, ``bool(t)``)
of anything but a constant, an argument or result of a kind a plan cannot hold.

>>> plan = record_aten(fn, examples, name="lu")      # doctest: +SKIP
"""

from __future__ import annotations

from ..ir import Constant, DType, Op, Plan, Ref, Value
from .aten import _PLACEMENT_KWARGS, _decomposable_kernels, _decompositions, _type_of


class Unrecordable(Exception):
    """The program does something :func:`record_aten` does not record (the reason says what);
    trace it with ``trace_aten``."""


def record_aten(fn, example_inputs, name: str = "plan") -> Plan:
    """The Core ATen plan of ``fn(*example_inputs)`` (tensors in, a tensor or a tuple of
    tensors out), recorded by running it once without autograd. Inputs are named ``x0``,
    ``x1``...; tensors the program makes from Python data become constants."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode, autograd_would_have_decomposed

    plan = Plan(name, "aten")
    names: dict[int, str] = {}        # id(tensor) -> value name
    alive: list = []                  # every named tensor, so that no id is reused
    const: set[int] = set()           # ids of tensors computed from constants only
    table = _decompositions()
    skip = (torch.ops.aten.size.default, torch.ops.aten.stride.default,
            torch.ops.aten.storage_offset.default)

    def define(t, nm: str) -> None:
        names[id(t)] = nm
        alive.append(t)

    def ref(t) -> Ref:
        nm = names.get(id(t))
        if nm is None:  # made outside the dispatcher (torch.tensor's data): a constant
            if t.layout != torch.strided or t.is_quantized or t.requires_grad:
                raise Unrecordable(f"a {t.layout} tensor from outside the program")
            nm = f"c{len(plan.constants)}"
            plan.constants.append(Constant(nm, _type_of(t), t.detach().numpy().copy()))
            define(t, nm)
            const.add(id(t))
        return Ref(nm)

    def arg(a):
        if isinstance(a, torch.Tensor):
            return ref(a)
        if isinstance(a, (list, tuple)):
            return [arg(x) for x in a]
        if isinstance(a, torch.dtype):
            return DType(str(a).removeprefix("torch."))
        if a is None or isinstance(a, (bool, int, float, str)):
            return a
        raise Unrecordable(f"an argument of type {type(a).__name__}")

    class Recorder(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func in table:
                with self:
                    out = table[func](*args, **kwargs)
                if out is not NotImplemented:
                    return out
            tensors = _tensors((args, kwargs.values()))
            if func not in skip and autograd_would_have_decomposed(func, tensors):
                with self:
                    out = func.decompose(*args, **kwargs)
                if out is not NotImplemented:
                    return out
            if func._schema.is_mutable:
                raise Unrecordable(f"{func} mutates a tensor")
            if func is torch.ops.aten.lift_fresh.default:   # torch.tensor(data): the data
                ref(args[0])
                return args[0]
            if func is torch.ops.aten.alias.default:        # the same values: the same name
                out = func(*args, **kwargs)
                define(out, ref(args[0]).name)
                if id(args[0]) in const:
                    const.add(id(out))
                return out
            if torch.Tag.data_dependent_output in func.tags:
                if all(id(t) in const or id(t) not in names for t in tensors):
                    return func(*args, **kwargs)   # a read of a constant: no condition
                raise Unrecordable(f"{func} reads a value from the data")
            op_args = tuple(arg(a) for a in args)
            op_kwargs = {k: arg(v) for k, v in kwargs.items() if k not in _PLACEMENT_KWARGS}
            out = func(*args, **kwargs)
            results = list(out) if isinstance(out, (tuple, list)) else [out]
            if not all(isinstance(r, torch.Tensor) for r in results):
                raise Unrecordable(f"{func} returns a {type(out).__name__}")
            if any(id(r) in names for r in results):
                raise Unrecordable(f"{func} returns one of its operands")
            base = func.overloadpacket.__name__
            outs = []
            for r in results:
                nm = f"{base}_{len(alive)}"
                define(r, nm)
                outs.append(Value(nm, _type_of(r)))
                if tensors and all(id(t) in const for t in tensors) and \
                        torch.Tag.nondeterministic_seeded not in func.tags:
                    const.add(id(r))
            plan.ops.append(Op(str(func), op_args, op_kwargs, outs))
            return out

    xs = [t.detach().clone() for t in example_inputs]
    for k, t in enumerate(xs):
        define(t, f"x{k}")
        plan.inputs.append(Value(f"x{k}", _type_of(t)))
    with torch.no_grad(), _decomposable_kernels(), Recorder():
        out = fn(*xs)
    results = list(out) if isinstance(out, (tuple, list)) else [out]
    for r in results:
        if not isinstance(r, torch.Tensor):
            raise Unrecordable(f"the program returns a {type(r).__name__}")
        plan.outputs.append(ref(r))
    _drop_unused(plan)
    plan.examples = [t.numpy().copy() for t in xs]
    return plan.lint()


def _tensors(args) -> list:
    """The tensors in an op's arguments (nested in tuples, lists, dict values)."""
    import torch

    out = []
    for a in args:
        if isinstance(a, torch.Tensor):
            out.append(a)
        elif isinstance(a, (list, tuple, type({}.values()))):
            out.extend(_tensors(a))
    return out


def _drop_unused(plan: Plan) -> None:
    """Remove the ops (and constants) no output depends on, as ``trace_aten`` does; ops that
    draw random numbers stay (they advance the generator)."""
    import torch

    used = {r.name for r in plan.outputs}
    kept = []
    for op in reversed(plan.ops):
        packet, _, overload = op.target.removeprefix("aten.").partition(".")
        seeded = torch.Tag.nondeterministic_seeded in getattr(
            getattr(torch.ops.aten, packet), overload or "default").tags
        if seeded or any(v.name in used for v in op.outputs):
            kept.append(op)
            used.update(op.refs())
    plan.ops = kept[::-1]
    plan.constants = [c for c in plan.constants if c.name in used]
