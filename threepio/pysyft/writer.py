"""threepio plan -> PySyft plan with a ``tfjs`` role that syft.js executes unchanged.

``write_plan(plan, path, tfjs=None, torch_role_from=None)`` writes a
``syft_proto.execution.v1.Plan`` whose ``tfjs`` role (also its base ``role``, with
``base_framework = "tfjs"``: the field syft.js reads) is threepio's TF.js translation, next to
the original ``torch`` role copied from the source plan, so PyGrid can serve it as it is.

How syft.js runs a role, and what this writer does about it:

* an action calls ``tf[command.split(".").pop()](...args)`` when it has no target: every op
  becomes an action without target, command ``tf.<name>``, its arguments positional (a nested
  name such as ``tf.image.resizeBilinear`` or a keyword argument is refused);
* placeholders (``arg_placeholder_id``) are resolved only at the top level of the argument
  list, so a list holding a tensor is refused; numbers, booleans, strings and lists of them
  pass as they are; ``null`` is written as an empty ``Arg``, which syft.js passes as
  ``undefined`` (TF.js ops treat both as "not given"); floats are float32 on the wire;
* only the FIRST return value of an action is stored (``returnPlaceholderIds[0]``): a
  translated op has one output, and an op with several is refused;
* the role's ``state`` binds placeholders to tensors (``contents_data``, ``SERIALIZER_ALL``):
  the plan's constants go there; state tensors are converted when an action uses them, so a
  constant cannot be a plan output directly (refused).

Placeholder ids are derived from the plan and value names (stable between runs); each
placeholder carries the value name as a tag, so ``read_plan(path, role="tfjs")`` gives the same
names back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..errors import TranslationError
from ..ir import DType, Plan, Ref
from . import schema
from .reader import get_role
from .tensors import load_bytes, parse, to_tensor

TARGET = "syft.js"
_F32_MAX = float(np.finfo(np.float32).max)


class _RoleWriter:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.ids: dict[str, int] = {}
        self.taken: set[int] = set()
        self.role = schema.Role()

    def id_of(self, name: str) -> int:
        if name not in self.ids:
            digest = hashlib.blake2b(f"{self.plan.name}/{name}".encode(), digest_size=5).digest()
            n = int.from_bytes(digest, "big") or 1
            while n in self.taken:
                n += 1
            self.taken.add(n)
            self.ids[name] = n
        return self.ids[name]

    def refuse(self, index: int, op, reason: str) -> TranslationError:
        from ..plan_text import format_op

        return TranslationError(f"cannot write op {index} `{format_op(op).split('   #')[0]}` "
                                f"({op.source or 'no source line'}) to a syft.js tfjs role: "
                                f"{reason}", op=op.target, index=index, target=TARGET)

    def build(self):
        p, role = self.plan, self.role
        role.id.id_int = self.id_of("<role>")
        for v in p.values():
            ph = role.placeholders.add(tags=[v.name])
            ph.id.id_int = self.id_of(v.name)
            if v.type is not None:
                ph.expected_shape.dims.extend(v.type.shape)
        for v in p.inputs:
            role.input_placeholder_ids.add().id_int = self.id_of(v.name)
        for c in p.constants:
            ph = role.state.placeholders.add(tags=[c.name])
            ph.id.id_int = self.id_of(c.name)
            t = to_tensor(np.asarray(c.data, dtype=c.type.dtype), self.id_of(c.name), [c.name])
            role.state.tensors.add().torch_tensor.CopyFrom(t)
        for i, op in enumerate(p.ops):
            self.action(i, op)
        constants = {c.name for c in p.constants}
        for r in p.outputs:
            if r.name in constants:
                raise TranslationError(f"plan output %{r.name} is a constant: syft.js returns "
                                       "state tensors unconverted, so it cannot be an output",
                                       target=TARGET)
            role.output_placeholder_ids.add().id_int = self.id_of(r.name)
        return role

    def action(self, index: int, op) -> None:
        parts = op.target.split(".")
        if len(parts) != 2 or parts[0] != "tf":
            raise self.refuse(index, op, f"syft.js calls tf[\"{parts[-1]}\"], so the command "
                                         "must be a top-level tf.<name> function")
        if op.kwargs:
            raise self.refuse(index, op, "TF.js takes positional arguments only, keywords "
                                         f"{sorted(op.kwargs)} cannot be passed")
        if len(op.outputs) != 1:
            raise self.refuse(index, op, f"it has {len(op.outputs)} outputs and syft.js keeps "
                                         "only the first return value of an action")
        action = self.role.actions.add(command=op.target)
        for a in op.args:
            self.arg(index, op, a, action.args.add(), top=True)
        action.return_placeholder_ids.add().id.id_int = self.id_of(op.outputs[0].name)

    def arg(self, index: int, op, a, msg, top: bool) -> None:
        if isinstance(a, Ref):
            if not top:
                raise self.refuse(index, op, "syft.js resolves placeholders only at the top "
                                             "level of the arguments, not inside a list")
            msg.arg_placeholder_id.id.id_int = self.id_of(a.name)
        elif a is None:
            pass  # an Arg with no value: syft.js passes undefined
        elif isinstance(a, bool):
            msg.arg_bool = a
        elif isinstance(a, int):
            msg.arg_int = a
        elif isinstance(a, float):
            if np.isfinite(a) and abs(a) > _F32_MAX:
                raise self.refuse(index, op, f"{a} does not fit the float32 arg_float field")
            msg.arg_float = a
        elif isinstance(a, str):
            msg.arg_str = a
        elif isinstance(a, DType):
            msg.arg_str = a.name
        elif isinstance(a, (list, tuple)):
            msg.arg_list.SetInParent()
            for x in a:
                self.arg(index, op, x, msg.arg_list.args.add(), top=False)
        else:
            raise self.refuse(index, op, f"argument {a!r} has no syft_proto encoding")


def tfjs_role(plan: Plan):
    """The ``Role`` message executing a ``tfjs`` plan in syft.js (see the module docstring).
    Raises :class:`TranslationError` for an op syft.js cannot run as threepio does."""
    if plan.namespace != "tfjs":
        raise TranslationError(f"plan {plan.name!r} is a {plan.namespace} plan; a syft.js role "
                               "holds a tfjs plan", target=TARGET)
    if plan.guards:
        raise TranslationError(f"plan {plan.name!r} has guards (conditions it holds under, "
                               "read from the data while tracing or required by a rule: "
                               f"{plan.guards[0].message}); a syft.js role has no way to check "
                               "them, so it would run other data silently wrong: remove the "
                               "data-dependent branch or the op that needs the check (e.g. "
                               "one-hot labels instead of class indices), or ship the generated "
                               "TF.js module (threepio translate --emit module), which checks "
                               "them", target=TARGET)
    return _RoleWriter(plan.lint()).build()


def write_plan(plan: Plan, path=None, *, tfjs: Plan | None = None, torch_role_from=None) -> bytes:
    """Write ``plan`` as a PySyft ``Plan`` message whose ``tfjs`` role is its TF.js translation.

    ``plan``: a ``torch``/``aten`` plan (translated here unless ``tfjs`` is given) or a ``tfjs``
    plan. ``torch_role_from``: the source PySyft plan (path or bytes); its message is copied
    (id, name, torch role, TorchScript, unknown fields) and only the ``tfjs`` role and the
    base role are replaced. Writes to ``path`` when given; returns the bytes.

    >>> plan = read_plan("mnist_plan.pb", example_inputs=inputs)                # doctest: +SKIP
    >>> write_plan(plan, "mnist.tfjs.pb", torch_role_from="mnist_plan.pb")      # doctest: +SKIP
    """
    if tfjs is None:
        if plan.namespace == "tfjs":
            tfjs = plan
        else:
            from ..translator import translate

            tfjs = translate(plan, "tfjs")
    role = tfjs_role(tfjs)
    if torch_role_from is not None:
        data, where = load_bytes(torch_role_from)
        msg = parse(schema.Plan, data, where)
        get_role(msg, "torch", where)  # the source must have the role PyGrid serves to PySyft
        if "torch" not in msg.roles:
            msg.roles["torch"].CopyFrom(msg.role)
    else:
        msg = schema.Plan(name=tfjs.name)
        msg.id.id_int = _RoleWriter(tfjs).id_of("<plan>")
    msg.roles["tfjs"].CopyFrom(role)
    msg.role.CopyFrom(role)
    msg.base_framework = "tfjs"
    out = msg.SerializeToString()
    if path is not None:
        Path(path).write_bytes(out)
    return out
