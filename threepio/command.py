"""Translating one PyTorch call written as text (the 2020 Threepio's single-command form):
``translate_command("torch.nn.functional.softmax(x, dim=1)", "tfjs", ["x=f32[64,10]"])``.

The call is parsed with :mod:`ast` (never evaluated). Bare names are tensor arguments; their
types come from ``inputs`` (``NAME=TYPE``). With every type known, the output's type is found
by running the PyTorch command on zeros, so shape-dependent rules apply; without types, a rule
that needs a shape refuses and says which ``--input`` to add.
"""

from __future__ import annotations

import ast

from .errors import PlanFormatError, TranslationError
from .ir import DTYPE_LONG, Op, Plan, Ref, TensorType, Value


def _literal(node, tensors: list[str]):
    if isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id not in tensors:
            tensors.append(node.id)
        return Ref(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool,
                                                                   type(None))):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e, tensors) for e in node.elts]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = _literal(node.operand, tensors)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return -v
    raise PlanFormatError(f"unsupported argument `{ast.unparse(node)}`: use tensor names, "
                          "numbers, strings, True/False/None and lists")


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    raise PlanFormatError(f"`{ast.unparse(node)}` is not a dotted command name")


def parse_type(text: str) -> TensorType:
    short, _, rest = text.strip().partition("[")
    if short not in DTYPE_LONG or not rest.endswith("]"):
        raise PlanFormatError(f"bad type {text!r}: write e.g. f32[64,10] or i64[64]")
    dims = rest[:-1].strip()
    return TensorType(DTYPE_LONG[short], tuple(int(d) for d in dims.split(",") if d.strip()))


def translate_command(text: str, target: str, inputs: list[str]) -> tuple[Plan, Plan]:
    """Translate one call; returns (the one-op source plan, its translation)."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as e:
        raise PlanFormatError(f"cannot parse command {text!r}: {e.msg}") from None
    if not isinstance(tree, ast.Call):
        raise PlanFormatError(f"{text!r} is not a call such as torch.add(x, y)")
    name = _dotted(tree.func)
    tensors: list[str] = []
    args = tuple(_literal(a, tensors) for a in tree.args)
    kwargs = {k.arg: _literal(k.value, tensors) for k in tree.keywords}
    types = {}
    for spec in inputs:
        n, _, t = spec.partition("=")
        types[n.strip()] = parse_type(t)
    plan = Plan(name.rsplit(".", 1)[-1], "aten" if name.startswith("aten.") else "torch")
    plan.inputs = [Value(t, types.get(t)) for t in tensors]
    out_type = _infer_output(name, args, kwargs, plan) if all(
        v.type for v in plan.inputs) else None
    plan.ops = [Op(name, args, kwargs, [Value("out", out_type)], "command line")]
    plan.outputs = [Ref("out")]
    from .translator import translate

    try:
        return plan, translate(plan.lint(), target)
    except TranslationError as e:
        if "not known statically" in str(e) or "is unknown" in str(e):
            missing = [t for t in tensors if t not in types]
            raise TranslationError(f"{e}\n  the rule needs argument types: add "
                                   + " ".join(f"--input {m}=f32[...]" for m in missing),
                                   op=e.op, index=e.index, target=e.target,
                                   suggestions=e.suggestions) from None
        raise


def _infer_output(name, args, kwargs, plan) -> TensorType | None:
    import numpy as np

    from .runner import interpreter

    zeros = [np.zeros(v.type.shape, dtype=v.type.dtype) for v in plan.inputs]
    probe = Plan(plan.name, plan.namespace, list(plan.inputs), [],
                 [Op(name, args, kwargs, [Value("out")])], [Ref("out")])
    try:
        (out,) = interpreter(plan.namespace).run(probe.lint(), zeros)
    except Exception as e:  # the user's command is wrong for these types: say so
        raise PlanFormatError(f"PyTorch rejects {name} with these inputs: {e}") from None
    return TensorType(str(out.dtype), tuple(out.shape))
