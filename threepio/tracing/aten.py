"""ATen-level tracing: a PyTorch function or module -> a plan of Core ATen ops.

``make_fx`` runs the program once on the example inputs and records every ATen call after
decomposition to the Core ATen opset. A function that calls ``torch.autograd.grad`` (or uses
``torch.func.grad``) is captured whole: forward, loss, the backward as explicit ops and the
update, so a runtime with no autograd (TF.js) can execute it. Python control flow and shapes
are specialised to the example inputs.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import warnings

from ..errors import TraceError
from ..ir import Constant, DType, Guard, Op, Plan, Ref, TensorType, Value, fresh_name

# kwargs that only place or lay out memory on the CPU; they do not change values
_PLACEMENT_KWARGS = ("device", "layout", "pin_memory", "memory_format", "non_blocking")


def trace_aten(fn, example_inputs, *, params: str = "inputs", name: str | None = None,
               requires_grad: bool = True, source_lines: bool = True) -> Plan:
    """Trace ``fn(*example_inputs)`` to a Core ATen plan.

    ``params`` (for an ``nn.Module``): ``"inputs"`` makes its parameters and buffers plan
    inputs after the example inputs (federated learning sends new weights every round);
    ``"constants"`` embeds them. ``requires_grad``: floating inputs are traced as leaves that
    require grad, so ``torch.autograd.grad`` inside ``fn`` works; pass False for inference-only
    programs whose ops refuse such inputs (in-place ops on leaves). ``source_lines``: record
    each op's line of user code for messages (walking the stack costs a little per op).
    """
    import torch
    from torch.fx.experimental.proxy_tensor import make_fx

    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    example_inputs = tuple(example_inputs)
    if not all(isinstance(t, torch.Tensor) for t in example_inputs):
        raise TraceError("example_inputs must be a tensor or a tuple of tensors, got "
                         + ", ".join(type(t).__name__ for t in example_inputs))
    names = _input_names(fn, len(example_inputs))
    func, inputs = fn, list(example_inputs)
    n_grad = None  # inputs after this index (a module's buffers) are traced without grad
    if isinstance(fn, torch.nn.Module):
        name = name or type(fn).__name__
        if params == "inputs":
            state = dict(fn.named_parameters(remove_duplicate=False))
            n_grad = len(inputs) + len(state)
            state.update(fn.named_buffers(remove_duplicate=False))
            keys = list(state)
            names += [k.replace(".", "_") for k in keys]
            inputs += [t.detach() for t in state.values()]
            n = len(example_inputs)
            module = fn

            def func(*args):
                return torch.func.functional_call(module, dict(zip(keys, args[n:])), args[:n])
        elif params != "constants":
            raise TraceError(f"params must be 'inputs' or 'constants', got {params!r}")
    name = name or getattr(fn, "__name__", "plan")
    _anchor_user_code(fn)
    # fresh leaves; floating ones require grad so autograd.grad inside fn can differentiate
    # (buffers such as BatchNorm's running statistics never require grad)
    leaves = [t.detach().clone().requires_grad_(requires_grad and t.is_floating_point()
                                                and (n_grad is None or k < n_grad))
              for k, t in enumerate(inputs)]
    try:
        with torch.enable_grad(), _decomposable_kernels():
            gm = make_fx(func, decomposition_table=_decompositions(),
                         record_stack_traces=source_lines,
                         _error_on_data_dependent_ops=False)(*leaves)
            guards = _guards_from_reads(gm, leaves, name)
    except TraceError:
        raise
    except Exception as e:  # torch raises many kinds; say which program failed and why
        raise TraceError(f"could not trace {name!r} at ATen level: {type(e).__name__}: {e}") \
            from e
    try:
        _functionalize_inplace(gm)
    except TraceError as e:  # writes into intermediates or through views: functionalize them
        gm = _retrace_functional(gm, leaves, e, names)
    plan = _to_plan(gm, name, names, guards)
    plan.examples = [t.detach().resolve_conj().resolve_neg().numpy().copy() for t in inputs]
    return plan


@contextlib.contextmanager
def _decomposable_kernels():
    """Trace what Core ATen can express: attention as its math formulation (bmm, softmax), and
    recurrent layers without oneDNN. Otherwise autograd records fused CPU kernels: the flash
    attention backward, whose decomposition torch feeds the attention matrix where it expects
    the logsumexp (the traced gradients are then wrong), and ``aten.mkldnn_rnn_layer``, which
    no target can run."""
    import torch
    from torch.nn.attention import SDPBackend, sdpa_kernel

    # the flags() context manager also works where torch's test harness froze global flags;
    # it warns that oneDNN's TF32 mode needs an Intel GPU, which is beside the point here
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="TF32 acceleration on top of oneDNN")
        flags = torch.backends.mkldnn.flags(enabled=False)
        flags.__enter__()
    try:
        with sdpa_kernel(SDPBackend.MATH), _cheap_bookkeeping():
            yield
    finally:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="TF32 acceleration on top of oneDNN")
            flags.__exit__(None, None, None)


@contextlib.contextmanager
def _cheap_bookkeeping():
    """Cheaper bookkeeping for make_fx, which otherwise dominates the time of tracing a long
    straight-line program (an unrolled expansion) or thousands of one-op programs:

    - node metadata: make_fx records each real tensor's shape, dtype and strides as a fake
      tensor, made in a FakeTensorMode it creates per node (each creation walks the Python
      stack), plus a ``tensor_meta`` summary. Plans read only the shape and dtype, which a
      tensor on the ``meta`` device carries as well. Other values (parameters, fake or sparse
      tensors) keep torch's path, with one shared FakeTensorMode.
    - graph modules: make_fx generates and compiles Python code for every graph module it
      builds and after every rewrite; plans walk the graph and never call it, so the code is
      generated only if something does (torch's lazy graph module)."""
    import torch
    from torch._subclasses.fake_tensor import FakeTensorMode
    from torch.fx._lazy_graph_module import _use_lazy_graph_module
    from torch.fx.experimental import proxy_tensor

    shared = FakeTensorMode(allow_fallback_kernels=True)

    def one(**kwargs):
        return shared if kwargs == {"allow_fallback_kernels": True} else FakeTensorMode(**kwargs)

    saved, saved_mode = proxy_tensor.set_meta, proxy_tensor.FakeTensorMode

    def set_meta(proxy, val):
        if type(val) is torch.Tensor and not val.is_sparse:   # a real tensor (not fake)
            proxy.node.meta["val"] = torch.empty_strided(val.shape, val.stride(),
                                                         dtype=val.dtype, device="meta")
            return proxy
        return saved(proxy, val)

    proxy_tensor.set_meta, proxy_tensor.FakeTensorMode = set_meta, one
    try:
        with _use_lazy_graph_module(True):
            yield
    finally:
        proxy_tensor.set_meta, proxy_tensor.FakeTensorMode = saved, saved_mode


@functools.cache
def _core_decompositions() -> dict:
    """The Core ATen decomposition table as a plain dict, built once: torch's lazy table costs
    about 80 ms to materialize on every make_fx call."""
    from torch._decomp import core_aten_decompositions

    return dict(core_aten_decompositions().items())


def _decompositions() -> dict:
    """The Core ATen table plus torch's own Python custom ops (``torch_nn::*``, e.g. the chunked
    ``F.linear_cross_entropy``): make_fx records such an op as one opaque call that no target
    can run, so trace its Python implementation instead, which is written in ATen ops."""
    try:  # F.linear_cross_entropy imports its custom ops only on its first call
        import torch.nn.modules.linear_cross_entropy  # noqa: F401
    except ImportError:
        pass
    from torch._library.custom_ops import OPDEFS

    table = dict(_core_decompositions())
    for qualname, opdef in list(OPDEFS.items()):
        if qualname.split("::")[0] == "torch_nn":
            table[opdef._opoverload] = functools.partial(_scratch_zeroed, opdef._init_fn)
    return table


def _scratch_zeroed(impl, *args, **kwargs):
    """Run a custom op's Python implementation with ``torch.empty`` scratch buffers allocated
    as zeros: it overwrites them before reading, so the values are the same, and the plan then
    holds no op with undefined values (whose results could not be checked)."""
    import torch
    from torch.overrides import TorchFunctionMode

    class _ZeroEmpty(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            return (torch.zeros if func is torch.empty else func)(*args, **(kwargs or {}))

    with _ZeroEmpty():
        return impl(*args, **kwargs)


def _anchor_user_code(fn) -> None:
    """make_fx keeps stack frames of ``forward`` methods only; also keep those of ``fn`` and of
    the functions defined next to it, so plain training-step functions get source lines."""
    try:
        from torch.fx.proxy import _register_stack_trace_anchor
    except ImportError:  # a torch without anchors: ops keep no source line
        return
    code = getattr(fn, "__code__", None)
    if code is None:
        return
    _register_stack_trace_anchor(fn)
    for obj in list(getattr(fn, "__globals__", {}).values()):
        c = getattr(obj, "__code__", None)
        if c is not None and c.co_filename == code.co_filename:
            _register_stack_trace_anchor(obj)


def _input_names(fn, n: int) -> list[str]:
    import torch

    target = fn.forward if isinstance(fn, torch.nn.Module) else fn
    try:
        ps = [p for p in inspect.signature(target).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        ps = []
    names = [p.name for p in ps[:n]]
    names += [f"x{i}" for i in range(len(names), n)]
    seen, out = set(), []
    for nm in names:
        while nm in seen:
            nm += "_"
        seen.add(nm)
        out.append(nm)
    return out


def _functionalize_inplace(gm) -> None:
    """Replace in-place ATen ops (``logical_or_``) by their functional form when the mutated
    tensor is never read again; refuse otherwise (the plan has no mutation)."""
    import torch

    order = {n: i for i, n in enumerate(gm.graph.nodes)}
    # batch norm in training mode updates running_mean / running_var (args 3, 4) in place
    bn_updating = (torch.ops.aten.native_batch_norm.default,
                    torch.ops.aten._native_batch_norm_legit.default)
    for node in list(gm.graph.nodes):
        op = node.target
        if node.op != "call_function" or not isinstance(op, torch._ops.OpOverload):
            continue
        if op in bn_updating and node.args[5] \
                and any(isinstance(s, torch.fx.Node) and any(order[u] > order[node]
                                                              for u in s.users)
                        for s in node.args[3:5]):
            raise TraceError(f"{op} (training) updates the running statistics in place and "
                             "they are read again afterwards; threepio plans have no mutation")
        if not op._schema.name.split("::")[-1].endswith("_") or not op._schema.is_mutable:
            continue
        base = op._schema.name.split("::")[-1][:-1]
        packet = getattr(torch.ops.aten, base, None)
        functional = getattr(packet, op._overloadname, None) if packet else None
        mutated = node.args[0] if node.args else None
        later_uses = [u for u in getattr(mutated, "users", ()) if order[u] > order[node]]
        view = isinstance(getattr(mutated, "target", None), torch._ops.OpOverload) and any(
            r.alias_info is not None for r in mutated.target._schema.returns)  # writes through
        if functional is None or mutated is None or mutated.op == "placeholder" or later_uses \
                or view:
            raise TraceError(f"{op} mutates {mutated} which is read again afterwards"
                             f"{' (it is a view of another tensor)' if view else ''}; "
                             "threepio plans have no mutation: use the out-of-place form")
        node.target = functional
    gm.graph.eliminate_dead_code()
    gm.recompile()


def _guards_from_reads(gm, leaves, name: str) -> list[str]:
    """Turn each bool or int the program read from its data while tracing (``bool(t)``,
    ``t.item()``, ``torch.equal``: the plan is specialised to what they returned) into a guard:
    a bool tensor the runtime checks, appended to the graph's outputs. Returns their messages;
    ``_to_plan`` makes that many last outputs guards. A read after a random draw is refused
    (the value seen while tracing cannot be reproduced to state the condition)."""
    import torch

    reads = [n for n in gm.graph.nodes if n.op == "call_function"
             and isinstance(n.target, torch._ops.OpOverload)
             and torch.Tag.data_dependent_output in n.target.tags
             and not isinstance(n.meta.get("val"), torch.Tensor)]
    if not reads:
        return []
    for n in gm.graph.nodes:
        if n.op == "call_function" and isinstance(n.target, torch._ops.OpOverload) \
                and torch.Tag.nondeterministic_seeded in n.target.tags:
            raise TraceError(f"could not trace {name!r} at ATen level: it reads a value from "
                             f"its data ({reads[0].target}) and draws random numbers "
                             f"({n.target}); the plan cannot state the condition it was traced "
                             "under")
    wanted = set(reads) | {a for n in reads for a in n.args if isinstance(a, torch.fx.Node)}
    seen: dict = {}

    class _Record(torch.fx.Interpreter):
        def run_node(self, n):
            out = super().run_node(n)
            if n in wanted:
                seen[n] = out
            return out

    with torch.no_grad():
        _Record(gm).run(*[t.detach() for t in leaves])
    aten = torch.ops.aten
    g = gm.graph

    anchor = [None]

    def call(op, args):   # inserted after the read, in order
        with g.inserting_after(anchor[0]):
            node = g.call_function(op, args)
        anchor[0] = node
        node.meta["val"] = op(*[seen[x] if isinstance(x, torch.fx.Node) else x for x in args])
        seen[node] = node.meta["val"]
        return node

    conds = []
    for n in reads:
        v = seen[n]
        anchor[0] = n
        if n.target is aten._local_scalar_dense.default and isinstance(v, (bool, int)):
            t = n.args[0]
            if isinstance(v, bool):
                c = t if v else call(aten.logical_not.default, (t,))
            else:
                c = call(aten.eq.Scalar, (t, v))
            what = f"a value the program read from its data (%{t.name}) is {v!r}"
        elif n.target is aten.equal.default and isinstance(v, bool):
            a, b = n.args
            if seen[a].shape != seen[b].shape:
                continue  # unequal shapes: always False, whatever the values
            c = call(aten.all.default, (call(aten.eq.Tensor, (a, b)),))
            c = c if v else call(aten.logical_not.default, (c,))
            what = f"torch.equal(%{a.name}, %{b.name}) is {v}"
        else:  # a float: another framework's rounding would fail an exact guard
            raise TraceError(f"could not trace {name!r} at ATen level: it reads a "
                             f"{type(v).__name__} ({v!r}) from its data with {n.target}; "
                             "threepio guards only bool and int reads exactly: keep the value "
                             "a tensor (torch.where instead of if, no .item())")
        src = _source(n)
        conds.append((c, what + (f" (read at {src})" if src else "")
                      + ", as when the plan was traced (it holds that branch only)"))
    out = next(n for n in g.nodes if n.op == "output")
    out.args = ((out.args[0], *[c for c, _ in conds]),)
    for n in reads:
        g.erase_node(n)
    gm.recompile()
    return [m for _, m in conds]


def _retrace_functional(gm, leaves, first: TraceError, names: list[str]):
    """Trace the recorded graph again under ``torch.func.functionalize``, which rewrites
    mutation of intermediates, and writes through views, as out-of-place ops (``bernoulli_``
    into ``bernoulli``, ``copy_`` into a slice as ``slice_scatter``). A plan input that is
    still written to is refused: plans have no mutation."""
    import torch
    from torch.fx.experimental.proxy_tensor import make_fx

    try:
        with _decomposable_kernels():
            functional = make_fx(torch.func.functionalize(gm, remove="mutations"),
                                 decomposition_table=_core_decompositions())(
                *[t.detach() for t in leaves])
    except Exception:  # functionalization itself failed: the first reason stands
        raise first from None
    inputs = {n: k for k, n in enumerate(n for n in functional.graph.nodes
                                         if n.op == "placeholder")}
    for node in functional.graph.nodes:
        if node.op == "call_function" and isinstance(node.target, torch._ops.OpOverload) \
                and node.target._schema.is_mutable and node.args and node.args[0] in inputs:
            k = inputs[node.args[0]]
            what = names[k] if k < len(names) else str(node.args[0])
            raise TraceError(f"the program writes into its input {what!r} in place (in PyTorch "
                             "the caller's tensor changes; e.g. a BatchNorm buffer in train "
                             "mode); threepio plans have no mutation: write to a copy (pass "
                             "copies of the buffers, as examples/zoo/cnn.py does), return the "
                             "new value, or trace in eval mode") from None
    _functionalize_inplace(functional)
    return functional


def _type_of(val) -> TensorType | None:
    import torch

    if not isinstance(val, torch.Tensor):
        return None
    return TensorType(str(val.dtype).removeprefix("torch."), tuple(int(d) for d in val.shape))


def _source(node) -> str | None:
    trace = node.meta.get("stack_trace")
    if not trace:
        return None
    torch_dir = os.sep + "torch" + os.sep
    lines = trace.strip().splitlines()
    for line in reversed([ln for ln in lines if ln.strip().startswith("File ")]):
        path = line.split('"')[1]
        if torch_dir not in path and os.sep + "threepio" + os.sep + "trace" not in path:
            lineno = line.split(", line ")[1].split(",")[0]
            return f"{os.path.basename(path)}:{lineno}"
    return None


def _to_plan(gm, name: str, input_names: list[str], guards: list[str] = ()) -> Plan:
    import operator

    import torch

    plan = Plan(name, "aten")
    env: dict = {}  # fx node -> Ref, or list of Refs for multi-output ops
    taken: set[str] = set(input_names)

    def fresh(base: str) -> str:
        return fresh_name("".join(c if c.isalnum() or c == "_" else "_" for c in base) or "v",
                          taken)

    def arg(a, where):
        if isinstance(a, torch.fx.Node):
            v = env[a]
            if isinstance(v, list):
                raise TraceError(f"{where}: a multi-output value is used whole")
            return v
        if isinstance(a, (list, tuple)):
            return [arg(x, where) for x in a]
        if isinstance(a, torch.dtype):
            return DType(str(a).removeprefix("torch."))
        if a is None or isinstance(a, (bool, int, float, str)):
            return a
        raise TraceError(f"{where}: unsupported argument {a!r} ({type(a).__name__})")

    placeholders = [n for n in gm.graph.nodes if n.op == "placeholder"]
    for node, nm in zip(placeholders, input_names):
        plan.inputs.append(Value(nm, _type_of(node.meta.get("val"))))
        env[node] = Ref(nm)
    getitems: dict = {}
    for node in gm.graph.nodes:
        if node.op == "call_function" and node.target is operator.getitem:
            getitems.setdefault(node.args[0], {})[node.args[1]] = node
    for node in gm.graph.nodes:
        if node.op == "get_attr":
            t = getattr(gm, node.target)
            nm = fresh(node.name)
            plan.constants.append(Constant(nm, _type_of(t), t.detach().numpy().copy()))
            env[node] = Ref(nm)
        elif node.op == "call_function" and node.target is operator.getitem:
            env[node] = env[node.args[0]][node.args[1]]
        elif node.op == "call_function":
            if not isinstance(node.target, torch._ops.OpOverload):
                raise TraceError(f"node {node.name}: {node.target} is not an ATen op")
            target = str(node.target)
            where = f"{target} (node {node.name}, {_source(node) or 'no source line'})"
            kwargs = {k: arg(v, where) for k, v in node.kwargs.items()
                      if k not in _PLACEMENT_KWARGS}
            val = node.meta.get("val")
            if isinstance(val, (list, tuple)):
                items = getitems.get(node, {})
                outs = [Value(fresh(items[i].name if i in items else f"{node.name}_{i}"),
                              _type_of(v)) for i, v in enumerate(val)]
                env[node] = [Ref(o.name) for o in outs]
            else:
                outs = [Value(fresh(node.name), _type_of(val))]
                env[node] = Ref(outs[0].name)
            plan.ops.append(Op(target, tuple(arg(a, where) for a in node.args), kwargs, outs,
                               _source(node)))
        elif node.op == "output":
            flat = torch.utils._pytree.tree_leaves(node.args[0])
            for i, o in enumerate(flat):
                if not isinstance(o, torch.fx.Node):
                    raise TraceError(f"output {i} of {name!r} is {o!r}, not a tensor")
                plan.outputs.append(env[o])
            if guards:  # the last outputs are the guards' conditions
                plan.guards = [Guard(r, m) for r, m in zip(plan.outputs[-len(guards):], guards)]
                plan.outputs = plan.outputs[:-len(guards)]
    return plan.lint()
