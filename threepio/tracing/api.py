"""API-level tracer: record the public PyTorch calls a program makes, PySyft-plan style.

``trace_api(fn, example_inputs)`` runs ``fn`` once under a :class:`TorchFunctionMode` and
records every *outermost* public call (``torch``, ``torch.nn.functional``, ``torch.linalg``,
``torch.special``, ``torch.fft`` functions and ``torch.Tensor`` methods/properties) as one op of
a ``torch``-namespace :class:`~threepio.ir.Plan`. Calls nested inside a recorded call are not
seen (the mode is disabled while its handler runs): ``nn.Linear`` appears as
``torch.nn.functional.linear`` and ``F.softmax`` does not expand into its kernels.

* Shapes are static and Python control flow is baked in: ``x.size(0)``, ``x.item()``,
  ``if x.sum() > 0`` are evaluated on the example inputs and only the branch taken is recorded.
  Calls whose result holds no tensor (``x.shape``, ``len(x)``, ``bool(t)``...) are not recorded
  (their results become literals); ops whose results only fed such calls are pruned.
* Tensors the plan does not define (closure tensors, module parameters with
  ``params="constants"``, tensors from non-overridable functions such as ``torch.from_numpy``)
  are embedded as constants.
* Operators are recorded under the method torch dispatches them to: ``x + y`` is
  ``torch.Tensor.add``, ``x @ w`` ``torch.Tensor.matmul``, ``1 - x`` ``torch.Tensor.__rsub__``.
  Keyword arguments equal to a Python function's default are not recorded.
* ``x[idx]`` is ``torch.Tensor.__getitem__(%x, [items...])``: the index tuple becomes a list
  whose items are ints, bools, null (new axis), ``%refs`` (tensor indices), nested lists
  (advanced indices), ``"..."`` (Ellipsis) and ``"start:stop"`` / ``"start:stop:step"`` strings
  (slices, empty parts meaning None).
* Mutations (in-place methods, ``inplace=True``, ``out=``, ``__setitem__``, batch-norm running
  stats in training) and random or uninitialised values (``torch.rand*``, ``dropout`` with
  ``training=True``, ``torch.empty``) raise :class:`~threepio.errors.TraceError`.

``run_api_plan(plan, inputs)`` replays such a plan with PyTorch to check the trace is faithful.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode, get_overridable_functions
from torch.utils._pytree import tree_flatten

from ..errors import ExecutionError, PlanInputError, TraceError
from ..ir import DTYPE_SHORT, Constant, DType, Op, Plan, Ref, TensorType, Value, fresh_name

__all__ = ["public_name", "run_api_plan", "trace_api"]

_MODULES = (("torch.nn.functional", F), ("torch", torch), ("torch.linalg", torch.linalg),
            ("torch.special", torch.special), ("torch.fft", torch.fft))
_DESCRIPTORS = (types.GetSetDescriptorType, types.MemberDescriptorType, property)
_SKIP = {"torch.Tensor.requires_grad_"}  # returns its input: a flag change, not compute
_RANDOM = {f"torch.{n}" for n in ("rand", "rand_like", "randn", "randn_like", "randint",
           "randint_like", "randperm", "normal", "bernoulli", "multinomial", "poisson", "empty",
           "empty_like", "empty_strided")} | {f"torch.Tensor.{n}" for n in (
           "bernoulli", "multinomial", "new_empty", "new_empty_strided")} | {
           "torch.nn.functional.gumbel_softmax"}
#: functions random when their ``training``/``train`` flag is true -> its position in builtins
_TRAINING = {**{f"torch.nn.functional.{n}": None for n in (
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "rrelu")}, "torch.dropout": 2, "torch.alpha_dropout": 2, "torch.feature_dropout": 2,
    "torch.feature_alpha_dropout": 2, "torch.rrelu": 3}
_IDUNDER = {f"__i{n}__" for n in ("add", "sub", "mul", "truediv", "div", "floordiv", "mod", "pow",
                                  "and", "or", "xor", "lshift", "rshift", "matmul")}
_NO_USER = (os.path.dirname(torch.__file__) + os.sep,
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep)


@functools.cache
def _public() -> tuple[dict[int, str], dict[str, object]]:
    """Reverse map ``id(obj) -> public name`` and forward map ``name -> obj`` of the overridable
    torch callables, built once. An object with several names gets the one equal to its
    ``__name__``, else the first seen (``torch.nn.functional`` before ``torch``:
    ``F.conv2d is torch.conv2d``)."""
    by_id: dict[int, str] = {}
    by_name: dict[str, object] = {}
    funcs = [f for fs in get_overridable_functions().values() for f in fs]  # + ATen builtins:
    funcs += [getattr(m, n) for m in (torch._C._VariableFunctions, torch._C._nn)  # factories,
              for n in dir(m) if not n.startswith("_") and n != "from_file"]  # in-place ops
    allowed = {id(getattr(f, "__self__", None) if f.__name__ == "__get__" else f) for f in funcs}

    def add(name: str, obj) -> None:
        if id(obj) not in allowed:  # only what __torch_function__ can see: no torch.save/load
            return
        by_name[name] = obj
        old = by_id.get(id(obj))
        own = getattr(obj, "__name__", None)
        if old is None or (old.rsplit(".", 1)[1] != own and name.rsplit(".", 1)[1] == own):
            by_id[id(obj)] = name

    for prefix, mod in _MODULES:
        for n in dir(mod):
            obj = getattr(mod, n, None)
            if (not n.startswith("_") and callable(obj) and not isinstance(obj, type)
                    and (getattr(obj, "__module__", None) or "torch").startswith("torch")):
                add(f"{prefix}.{n}", obj)
    for n in dir(torch.Tensor):
        obj = inspect.getattr_static(torch.Tensor, n, None)
        if (n.startswith("__") or not n.startswith("_")) and not isinstance(obj, type) and (
                callable(obj) or isinstance(obj, _DESCRIPTORS)):
            add(f"torch.Tensor.{n}", obj)
    return by_id, by_name


def public_name(func) -> str | None:
    """The public name of a torch callable as received by ``__torch_function__`` (``None`` if
    it has none). Property reads arrive as the descriptor's ``__get__``: named after the
    property."""
    by_id = _public()[0]
    name = by_id.get(id(func))
    if name is None and getattr(func, "__name__", None) == "__get__":
        name = by_id.get(id(getattr(func, "__self__", None)))
    return name


def _source() -> str | None:
    """``file:line`` of the innermost frame outside torch and threepio (user code)."""
    f = sys._getframe(1)
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(_NO_USER):
            return f"{os.path.basename(fn)}:{f.f_lineno}"
        f = f.f_back
    return None


def _dtype(dt: torch.dtype) -> str:
    name = str(dt).removeprefix("torch.")
    if name not in DTYPE_SHORT:
        raise TraceError(f"dtype {name} is not supported in plans")
    return name


def _ttype(t: torch.Tensor) -> TensorType:
    return TensorType(_dtype(t.dtype), tuple(int(d) for d in t.shape))


@functools.lru_cache(maxsize=4096)
def _signature(func):
    dispatched = getattr(torch._jit_internal, "boolean_dispatched", {})  # F.max_pool2d...
    try:
        return inspect.signature(dispatched[func]["if_false"] if func in dispatched else func)
    except (TypeError, ValueError):
        return None


def _flag(func, args, kwargs, names, pos=None) -> bool:
    """Value of a flag argument (``training``, ``inplace``) with defaults applied."""
    for n in names:
        if n in kwargs:
            return bool(kwargs[n])
    sig = _signature(func)
    if sig is None:
        return pos is not None and len(args) > pos and bool(args[pos])
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError:
        return False
    bound.apply_defaults()
    return any(bool(bound.arguments.get(n)) for n in names)


def _refuse(target, func, args, kwargs, src) -> None:
    """Raise TraceError for calls whose effect an API-level plan cannot represent."""
    short = target.rsplit(".", 1)[1]
    where = f"{target} at {src or '<unknown>'}"
    if kwargs.get("out") is not None:
        raise TraceError(f"{where}: out= writes into an existing tensor, which an API-level "
                         "plan cannot represent; use the out-of-place form (y = f(x)).")
    if target in _RANDOM or (target in _TRAINING and _flag(
            func, args, kwargs, ("training", "train"), _TRAINING[target])):
        raise TraceError(f"{where}: produces random or uninitialised values, so the plan "
                         "would not be reproducible; trace in eval mode (model.eval(), "
                         "training=False) and pass randomness in as an input tensor.")
    if target == "torch.nn.functional.batch_norm" and _flag(func, args, kwargs, ("training",)) \
            and (args[1:2] or [kwargs.get("running_mean")])[0] is not None:
        raise TraceError(f"{where}: batch norm in training mode updates running statistics in "
                         "place; call model.eval() before tracing.")
    if target == "torch.Tensor.backward":
        raise TraceError(f"{where}: API-level plans are for inference; trace training steps "
                         "with the aten tracer.")
    if short.endswith("_") and not short.startswith("__"):
        hint = f"{target[:-1]} (y = f(x))"
    elif short in _IDUNDER:
        hint = "y = x + 1 instead of x += 1"
    elif short == "__setitem__":
        hint = "build a new tensor with torch.where / torch.cat instead of x[i] = v"
    elif _flag(func, args, kwargs, ("inplace",)):
        hint = "pass inplace=False"
    else:
        return
    raise TraceError(f"{where}: in-place operations mutate a value, which an API-level plan "
                     f"cannot represent; use the out-of-place form: {hint}.")


class _Recorder(TorchFunctionMode):
    """Builds a Plan from the outermost torch calls made while the mode is active."""

    def __init__(self, plan: Plan):
        super().__init__()
        self.plan = plan
        self.names: dict[int, str] = {}      # id(tensor) -> value name
        self.keep: list[torch.Tensor] = []   # keeps ids stable while tracing
        self.used: set[str] = set()
        self.const_names: dict[int, str] = {}  # id(param) -> preferred constant name

    def fresh(self, base: str) -> str:
        base = base.strip("_") or "v"
        return fresh_name(base if base[0].isalpha() else f"v{base}", self.used)

    def bind(self, t: torch.Tensor, name: str) -> Value:
        self.names[id(t)] = name
        self.keep.append(t)
        return Value(name, _ttype(t))

    def add_input(self, base: str, t: torch.Tensor) -> None:
        self.plan.inputs.append(self.bind(t, self.fresh(base)))

    def ref(self, t: torch.Tensor) -> Ref:
        """Ref to a known value, or a new constant holding ``t``'s data."""
        if id(t) not in self.names:
            ttype = _ttype(t)
            if ttype.dtype == "bfloat16":
                raise TraceError("bfloat16 tensors cannot be embedded as constants")
            name = self.fresh(self.const_names.get(id(t), f"c{len(self.plan.constants)}"))
            data = t.detach().cpu().resolve_conj().resolve_neg().numpy().copy()
            self.plan.constants.append(Constant(name, ttype, data))
            self.bind(t, name)
        return Ref(self.names[id(t)])

    def arg(self, a):
        if isinstance(a, torch.Tensor):
            return self.ref(a)
        if a is None or isinstance(a, (bool, int, float, str)):
            return a
        if isinstance(a, torch.Size):
            return [int(d) for d in a]
        if isinstance(a, (list, tuple)):
            return [self.arg(x) for x in a]
        if isinstance(a, torch.dtype):
            return DType(_dtype(a))
        if isinstance(a, torch.device):
            return str(a)
        if isinstance(a, (np.integer, np.floating, np.bool_)):
            return a.item()
        raise TraceError(f"cannot record argument {a!r} of type {type(a).__name__}")

    def index(self, idx):
        """Encode a ``__getitem__`` index (see the module docstring)."""
        def item(i):
            if i is Ellipsis:
                return "..."
            if isinstance(i, slice):
                parts = [i.start, i.stop] + ([i.step] if i.step is not None else [])
                if not all(p is None or isinstance(p, int) for p in parts):
                    raise TraceError(f"slice bounds must be Python ints, got {i!r}")
                return ":".join("" if p is None else str(p) for p in parts)
            return self.arg(i)
        return [item(i) for i in (idx if isinstance(idx, tuple) else (idx,))]

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        target = public_name(func)
        if target in _SKIP:
            return func(*args, **kwargs)
        src = _source()
        if target is not None:
            _refuse(target, func, args, kwargs, src)
        result = func(*args, **kwargs)
        tensors = [t for t in tree_flatten(result)[0] if isinstance(t, torch.Tensor)]
        if not tensors:
            return result
        if target is None:
            raise TraceError(f"{func!r} at {src}: has no public torch name, so it cannot be "
                             "recorded; call a documented torch function instead.")
        rec_args = ([self.arg(args[0]), self.index(args[1])] if target == "torch.Tensor.__getitem__"
                    else [self.arg(a) for a in args])
        sig = _signature(func)  # keywords left at their defaults are not recorded
        params = sig.parameters if sig is not None else {}
        rec_kwargs = {k: self.arg(v) for k, v in kwargs.items() if not (
            k in params and isinstance(v, (type(None), bool, int, float, str))
            and type(v) is type(params[k].default) and v == params[k].default)}
        base = target.rsplit(".", 1)[1]
        outs = [self.bind(t, self.fresh(base)) for t in tensors]
        self.plan.ops.append(Op(target, tuple(rec_args), rec_kwargs, outs, src))
        return result


def _input_names(fn, n: int) -> list[str]:
    sig = _signature(fn.forward if isinstance(fn, torch.nn.Module) else fn)
    names = []
    for p in (sig.parameters.values() if sig else ()):
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            break
        names.append(p.name)
    return [names[i] if i < len(names) else f"x{i}" for i in range(n)]


def trace_api(fn, example_inputs, *, params="inputs", name=None) -> Plan:
    """Trace ``fn(*example_inputs)`` (a function or ``nn.Module``) into a ``torch`` plan.

    ``example_inputs``: a tensor or a tuple of them (non-tensor items are passed through and
    baked in). Inputs are named after ``fn``'s (or ``forward``'s) parameters, else ``x0, x1...``.
    ``params="inputs"``: a module's parameters and buffers become plan inputs after the example
    inputs, named by dotted path with ``_`` (``fc1.weight`` -> ``fc1_weight``); ``"constants"``
    embeds them. Grad mode is left as the caller set it. See the module docstring for what is
    baked in and what is refused (:class:`TraceError`).
    """
    if params not in ("inputs", "constants"):
        raise ValueError(f"params must be 'inputs' or 'constants', got {params!r}")
    example = (example_inputs,) if isinstance(example_inputs, torch.Tensor) \
        else tuple(example_inputs)
    is_module = isinstance(fn, torch.nn.Module)
    plan = Plan(name or (type(fn).__name__ if is_module else getattr(fn, "__name__", "plan")),
                "torch")
    rec = _Recorder(plan)
    args = []
    for base, t in zip(_input_names(fn, len(example)), example):
        if isinstance(t, torch.Tensor):
            if id(t) in rec.names:  # the same tensor passed twice: two distinct inputs
                t = t.detach().clone().requires_grad_(t.requires_grad)
            rec.add_input(base, t)
        args.append(t)
    named = [*fn.named_parameters(), *fn.named_buffers()] if is_module else []
    pname = {dotted: dotted.replace(".", "_") for dotted, _ in named}
    if is_module and params == "inputs":
        state = {}
        for dotted, p in named:
            state[dotted] = p.detach().requires_grad_(p.requires_grad)
            rec.add_input(pname[dotted], state[dotted])
        with rec:
            result = torch.func.functional_call(fn, state, tuple(args))
    else:
        rec.const_names = {id(p): pname[dotted] for dotted, p in named}
        with rec:
            result = fn(*args)
    for leaf in tree_flatten(result)[0]:
        if not isinstance(leaf, torch.Tensor):
            raise TraceError(f"{plan.name} returned a {type(leaf).__name__}; plan outputs must "
                             "be tensors (in tuples, lists or dicts)")
        plan.outputs.append(rec.ref(leaf))
    live = {r.name for r in plan.outputs}  # prune ops whose results no output depends on
    for op in reversed(plan.ops[:]):
        if live.isdisjoint(v.name for v in op.outputs):
            plan.ops.remove(op)
        else:
            live.update(op.refs())
    plan.constants = [c for c in plan.constants if c.name in live]
    plan.examples = [t.detach().numpy().copy() for t in args if isinstance(t, torch.Tensor)]
    if is_module and params == "inputs":
        plan.examples += [t.detach().numpy().copy() for t in state.values()]
    return plan.lint()


def _decode(a, env, index=False):
    if isinstance(a, Ref):
        return env[a.name]
    if isinstance(a, DType):
        return getattr(torch, a.name)  # a.name is one of DTYPE_SHORT's keys
    if isinstance(a, (list, tuple)):
        return [_decode(x, env) for x in a]
    if index and isinstance(a, str):
        if a == "...":
            return Ellipsis
        return slice(*(int(p) if p else None for p in a.split(":")))
    return a


def run_api_plan(plan: Plan, inputs) -> list[torch.Tensor]:
    """Execute a ``torch``-namespace plan with PyTorch and return its outputs.

    Targets resolve only through the table of public names built by the tracer; an unknown
    target or a failing call raises :class:`ExecutionError` naming the op index and target.
    """
    inputs = [inputs] if isinstance(inputs, torch.Tensor) else list(inputs)
    if len(inputs) != len(plan.inputs):
        raise PlanInputError(f"plan {plan.name!r} takes {len(plan.inputs)} inputs "
                             f"({', '.join(v.name for v in plan.inputs)}), got {len(inputs)}")
    env: dict[str, torch.Tensor] = {}
    for v, x in zip(plan.inputs, inputs):
        x = torch.as_tensor(x)
        if v.type is not None and _ttype(x) != v.type:
            raise PlanInputError(f"input %{v.name} must be {v.type}, got {_ttype(x)}")
        env[v.name] = x
    for c in plan.constants:
        env[c.name] = torch.from_numpy(np.array(c.data, dtype=c.type.dtype, copy=True))
    by_name = _public()[1]
    for i, op in enumerate(plan.ops):
        where = f"op {i} ({op.target}, src={op.source})"
        if plan.namespace != "torch" or op.target not in by_name:
            raise ExecutionError(f"{where}: unknown target {op.target!r} for the torch runner")
        fn = by_name[op.target]
        try:
            args = [_decode(a, env) for a in op.args]
            if op.target == "torch.Tensor.__getitem__":
                args[1] = tuple(_decode(a, env, index=True) for a in op.args[1])
            kwargs = {k: _decode(v, env) for k, v in op.kwargs.items()}
            result = fn.__get__(*args) if isinstance(fn, _DESCRIPTORS) else fn(*args, **kwargs)
        except Exception as e:
            raise ExecutionError(f"{where}: {type(e).__name__}: {e}") from e
        outs = [t for t in tree_flatten(result)[0] if isinstance(t, torch.Tensor)]
        if len(outs) != len(op.outputs):
            raise ExecutionError(f"{where}: returned {len(outs)} tensors, the plan expects "
                                 f"{len(op.outputs)}")
        env.update({v.name: t for v, t in zip(op.outputs, outs)})
    return [env[r.name] for r in plan.outputs]
