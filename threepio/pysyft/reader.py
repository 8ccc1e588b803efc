"""PySyft plan -> threepio plan: ``read_plan(path_or_bytes, role="torch")``.

A PySyft 0.2.x plan (``syft_proto.execution.v1.Plan``) holds one *role* per framework: a list of
``ComputationAction``s over *placeholders* (ids), the ids of the inputs and outputs, and an
optional ``State`` (tensors bound to placeholders). Each action becomes one op:

* a tensor method (``target_placeholder_id`` set: the implicit ``self``) becomes
  ``torch.Tensor.<command>`` with ``self`` as first argument; operators keep their dunder name
  (``torch.Tensor.__gt__``); functions (``torch.argmax``) keep theirs. PySyft's ``copy`` is
  ``torch.Tensor.clone``. Commands are checked against PyTorch's public API.
* in-place commands (``add_``, ``__iadd__``) become the out-of-place op (``torch.Tensor.add``)
  producing a new SSA value; every later use of the mutated placeholder refers to the new value
  (a plan has no mutation). A placeholder assigned twice is handled the same way.
* literal arguments: ``arg_int``/``arg_float``/``arg_bool``/``arg_str`` as themselves (``float``
  is float32 on the wire: the shortest decimal that round-trips is used), ``arg_shape`` as a list
  of ints, ``arg_list`` as a list, an empty ``Arg`` as ``None``; placeholders as
  :class:`~threepio.ir.Ref`; tensors (in arguments or the role's state) as constants, or for
  ``state_as_inputs=True`` the state tensors as plan inputs after the role's inputs.

The ``tfjs`` role (``role="tfjs"``) is read into a ``tfjs``-namespace plan: ``tf.*`` commands
with positional arguments, kept verbatim (TF.js's executor refuses commands it does not know).

Values are named after their placeholder's first tag or description when that is a valid
identifier, else ``p<id>``; an op's source is ``FILE:ACTION_INDEX``. PySyft plans do not store
every dtype and shape; given ``example_inputs`` the plan runs once on PyTorch (TF.js for a tfjs
role) and every value gets its type, which translation needs.
"""

from __future__ import annotations

import functools
import re
from pathlib import PurePath

import numpy as np

from ..errors import PlanFormatError, PlanInputError, ThreepioError
from ..ir import NAME_RE, Constant, Op, Plan, Ref, TensorType, Value, fresh_name
from . import schema
from .tensors import load_bytes, parse, to_array

#: PySyft method names that PyTorch spells differently
RENAMED = {"copy": "clone"}
_INPLACE_DUNDER = re.compile(r"__i(\w+)__\Z")
_LITERALS = ("arg_bool", "arg_int", "arg_float", "arg_str")


def pid(msg) -> int | str:
    """The value of a ``types.syft.v1.Id`` (or of the ``id`` inside a placeholder message)."""
    if msg.DESCRIPTOR.name != "Id":
        msg = msg.id
    return msg.id_str if msg.WhichOneof("id") == "id_str" else msg.id_int


def get_role(plan_msg, role: str, where: str):
    """The named role of a ``Plan`` message (``roles[role]``, or ``role`` for its base
    framework)."""
    if role in plan_msg.roles:
        return plan_msg.roles[role]
    if plan_msg.HasField("role") and role == (plan_msg.base_framework or "torch"):
        return plan_msg.role
    have = sorted(plan_msg.roles) or ([plan_msg.base_framework or "torch"]
                                      if plan_msg.HasField("role") else [])
    raise PlanFormatError(f"{where}: the plan has no {role!r} role (roles: "
                          f"{', '.join(have) or 'none'})")


class _Reader:
    def __init__(self, role_msg, role: str, where: str, name: str, state_as_inputs: bool):
        self.role_msg, self.where, self.state_as_inputs = role_msg, where, state_as_inputs
        self.namespace = "tfjs" if role == "tfjs" else "torch"
        self.plan = Plan(name, self.namespace)
        self.short = PurePath(where).name
        self.current: dict = {}   # placeholder id -> name of its current value
        self.used: set[str] = set()
        self.state_values: list[np.ndarray] = []  # with state_as_inputs: the inputs' values
        self.hints = {pid(p): self._hint(p) for p in role_msg.placeholders}
        for p in role_msg.state.placeholders:
            self.hints.setdefault(pid(p), self._hint(p))

    # -- names -------------------------------------------------------------------------------
    @staticmethod
    def _hint(ph) -> str | None:
        for text in (*ph.tags, ph.description):
            text = text.lstrip("#")
            if NAME_RE.match(text):
                return text
        return None

    def fresh(self, base: str) -> str:
        return fresh_name(base, self.used)

    def define(self, ph_id) -> str:
        """A new value for placeholder ``ph_id`` (its first, or a newer SSA version)."""
        base = self.hints.get(ph_id) or "p" + re.sub(r"\W", "_", str(ph_id))
        self.current[ph_id] = name = self.fresh(base)
        return name

    def fail(self, index: int, action, reason: str) -> PlanFormatError:
        return PlanFormatError(f"{self.where}: action {index} ({action.command or 'no command'}"
                               f"): {reason}")

    # -- the walk ----------------------------------------------------------------------------
    def run(self) -> Plan:
        r = self.role_msg
        for i in r.input_placeholder_ids:
            self.plan.inputs.append(Value(self.define(pid(i))))
        for i, (ph, t) in enumerate(zip(r.state.placeholders, r.state.tensors)):
            arr = to_array(t, f"{self.where}: state tensor {i}")
            self.add_tensor(arr, pid(ph), as_input=self.state_as_inputs)
        if len(r.state.placeholders) != len(r.state.tensors):
            raise PlanFormatError(f"{self.where}: state has {len(r.state.placeholders)} "
                                  f"placeholders for {len(r.state.tensors)} tensors")
        for index, action in enumerate(r.actions):
            self.action(index, action)
        for i, out in enumerate(r.output_placeholder_ids):
            if pid(out) not in self.current:
                raise PlanFormatError(f"{self.where}: output {i} is placeholder {pid(out)}, "
                                      "which no action defines")
            self.plan.outputs.append(Ref(self.current[pid(out)]))
        return self.plan

    def add_tensor(self, arr: np.ndarray, ph_id, as_input: bool = False) -> Ref:
        if ph_id is None:  # a tensor written inline in an action
            name = self.fresh(f"c{len(self.plan.constants)}")
        else:
            name = self.define(ph_id)
        ttype = TensorType(str(arr.dtype), tuple(arr.shape))
        if as_input:
            self.plan.inputs.append(Value(name, ttype))
            self.state_values.append(arr)
        else:
            self.plan.constants.append(Constant(name, ttype, arr))
        return Ref(name)

    def action(self, index: int, action) -> None:
        command, kind = action.command, action.WhichOneof("target")
        args = [self.arg(index, action, a) for a in action.args]
        kwargs = {k: self.arg(index, action, v) for k, v in action.kwargs.items()}
        if kind == "target_placeholder_id":
            self_id = pid(action.target_placeholder_id)
            args.insert(0, self.placeholder(index, action, self_id))
        elif kind == "target_tensor":
            self_id = None
            where = f"{self.where}: action {index} ({command}): target tensor"
            args.insert(0, self.add_tensor(to_array(action.target_tensor, where), None))
        elif kind is not None:
            raise self.fail(index, action, f"target kind {kind} is not supported (only "
                                           "placeholders and tensors can be targets in a plan)")
        else:
            self_id = None
        target, inplace = self.target(index, action, kind is not None)
        if inplace:  # the mutated value is self, or a function's first argument
            mutated = self_id if kind else self._first_placeholder(action)
            if mutated is None:
                raise self.fail(index, action, "in-place command on a value that is not a "
                                               "placeholder")
        returns = [pid(r) for r in action.return_placeholder_ids] or \
            [pid(r) for r in action.return_ids]
        if inplace and not returns:
            returns = [mutated]
        if not returns:
            return  # a result nobody can read: the action has no effect on the plan
        outs = [Value(self.define(r)) for r in returns]
        if inplace:
            self.current[mutated] = outs[0].name
        self.plan.ops.append(Op(target, tuple(args), kwargs, outs,
                                f"{self.short}:{index}"))

    def _first_placeholder(self, action):
        a = action.args[0] if action.args else None
        return pid(a.arg_placeholder_id) if a is not None and a.WhichOneof("arg") == \
            "arg_placeholder_id" else None

    def target(self, index: int, action, method: bool) -> tuple[str, bool]:
        """The op target for an action's command, and whether the command is in-place."""
        command = action.command
        if not command:
            raise self.fail(index, action, "the action has no command")
        if self.namespace == "tfjs":
            return command, False
        short = command.rsplit(".", 1)[-1]
        inplace = short.endswith("_") and not short.startswith("_")
        m = _INPLACE_DUNDER.match(short)
        if inplace:
            short = short[:-1]
        elif m:
            inplace, short = True, f"__{m.group(1)}__"
        short = RENAMED.get(short, short)
        if method:
            target = f"torch.Tensor.{short}"
        elif "." in command:
            target = f"{command.rsplit('.', 1)[0]}.{short}"
        else:
            target = None
        if target is None or target not in _torch_names():
            what = "tensor method" if method else "function"
            raise self.fail(index, action, f"unknown command: {command!r} is not a PyTorch "
                                           f"{what}" + ("" if method else " (an action without "
                                                        "a target must name a torch function)"))
        return target, inplace

    def placeholder(self, index: int, action, ph_id) -> Ref:
        if ph_id not in self.current:
            raise self.fail(index, action, f"uses placeholder {ph_id} before any input, state "
                                           "tensor or action defines it")
        return Ref(self.current[ph_id])

    def arg(self, index: int, action, a):
        kind = a.WhichOneof("arg")
        if kind is None:
            return None  # an Arg with no value (syft.js reads it as undefined)
        if kind in _LITERALS:
            v = getattr(a, kind)
            return float(str(np.float32(v))) if kind == "arg_float" else v
        if kind == "arg_shape":
            return [int(d) for d in a.arg_shape.dims]
        if kind == "arg_list":
            return [self.arg(index, action, x) for x in a.arg_list.args]
        if kind in ("arg_placeholder_id", "arg_placeholder"):
            return self.placeholder(index, action, pid(getattr(a, kind)))
        if kind in ("arg_tensor", "arg_torch_param"):
            return self.add_tensor(to_array(getattr(a, kind), f"{self.where}: action {index} "
                                            f"({action.command}): tensor argument"), None)
        raise self.fail(index, action, f"argument kind {kind} is not supported "
                                       "(plans take placeholders, tensors and literals)")


@functools.cache
def _torch_names() -> frozenset:
    """PyTorch's public command names (``torch.argmax``, ``torch.Tensor.add``...), as the API
    tracer and the torch backend know them."""
    from ..tracing.api import _public

    return frozenset(_public()[1])


def read_plan(path_or_bytes, role: str = "torch", *, example_inputs=None,
              state_as_inputs: bool = False, name: str | None = None) -> Plan:
    """Read one role of a serialized PySyft plan into a threepio plan.

    ``role``: ``"torch"`` (a ``torch``-namespace, API-level plan) or ``"tfjs"`` (a ``tfjs``
    plan). ``example_inputs``: NumPy arrays for the role's inputs, in
    ``Role.input_placeholder_ids`` order; when given the plan runs once and every value gets
    its dtype and shape (needed to translate). With ``state_as_inputs`` the state tensors are
    inputs after those (their values are appended to the examples when not given). Raises
    :class:`PlanFormatError` naming the file, the action index and the command.

    >>> inputs = [X, y, batch_size, lr, W1, b1, W2, b2]                # doctest: +SKIP
    >>> plan = read_plan("mnist_plan.pb", example_inputs=inputs)         # doctest: +SKIP
    >>> tfjs = threepio.translate(plan, "tfjs")                          # doctest: +SKIP
    """
    data, where = load_bytes(path_or_bytes)
    msg = parse(schema.Plan, data, where)
    role_msg = get_role(msg, role, where)
    reader = _Reader(role_msg, role, where, name or msg.name or "pysyft_plan", state_as_inputs)
    plan = reader.run()
    plan.lint()
    if example_inputs is not None:
        examples = [np.asarray(x) for x in example_inputs]
        if state_as_inputs and len(examples) == len(role_msg.input_placeholder_ids):
            examples += reader.state_values
        fill_types(plan, examples, role_msg)
    return plan


def fill_types(plan: Plan, examples: list, role_msg=None) -> Plan:
    """Run ``plan`` on ``examples`` (PyTorch, or TF.js for a tfjs plan) and set every value's
    type; the examples become ``plan.examples``. Checks each input against its placeholder's
    ``expected_shape`` when the role stores one."""
    from ..runner import run

    if len(examples) != len(plan.inputs):
        raise PlanInputError(f"plan {plan.name!r} takes {len(plan.inputs)} inputs "
                             f"({', '.join('%' + v.name for v in plan.inputs)}), got "
                             f"{len(examples)} example inputs")
    if role_msg is not None:
        shapes = {pid(p): list(p.expected_shape.dims) for p in role_msg.placeholders
                  if p.HasField("expected_shape")}
        for i, (ph, x) in enumerate(zip(role_msg.input_placeholder_ids, examples)):
            want = shapes.get(pid(ph))
            if want is not None and want != list(x.shape):
                raise PlanInputError(f"example input {i} %{plan.inputs[i].name} has shape "
                                     f"{list(x.shape)}; the plan expects {want}")
    try:
        _, values = run(plan, examples, keep_all=True)
    except ThreepioError as e:
        raise PlanInputError(f"plan {plan.name!r} does not run on the example inputs: {e}") \
            from None
    values = {**{v.name: x for v, x in zip(plan.inputs, examples)}, **values}
    for v in plan.values():
        if v.name in values:
            arr = np.asarray(values[v.name])
            v.type = TensorType(str(arr.dtype), tuple(arr.shape))
    plan.examples = examples
    return plan
