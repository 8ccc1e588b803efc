"""The 2020 Threepio API (``pythreepio``, PyPI ``openmined-threepio``), backed by threepio's rules.

PySyft 0.2.x translated plans one command at a time::

    threepio = Threepio("torch", "tfjs", None)              # (from_lang, to_lang, framework)
    cmd = Command("linear", [x, w, b], {}, placeholder_output=out)
    threepio.translate(cmd, types=[f32_64x784, f32_392x784, f32_392])   # -> list[Command]

Here the commands come from the mapping rules (``mappings/*.yaml``) through
:func:`threepio.translator.translate`, without the 2020 library's bugs (its table mutated by
``linear``, the bias dropped, ``reshape`` sent to a Keras layer, half its names unreachable).

**Arguments.** Numbers, strings, bools, ``None``, lists/tuples and dtypes are literals; anything
else is a *placeholder* (a tensor): PySyft's ``PlaceHolder``/``PlaceholderId``, a
:class:`threepio.ir.Ref`, a :class:`Placeholder`... Placeholders are told apart by their ``key``
attribute, else ``id``, else the object itself. Results use the caller's placeholders for the
inputs and ``cmd.placeholder_output`` for the final output; a multi-command result chains
through fresh placeholders (:class:`Placeholder` keyed ``"<output key>.<value>"``, or whatever
``Threepio(..., placeholder=factory)`` makes from that key). In results, ``attrs`` is the
command's path (``["tf", "matMul"]``, which PySyft joined with dots).

**Types.** Most rules read dtypes and shapes (``out.dtype``, a rank for ``dim``). A tensor
argument's type is, first found: ``translate(cmd, types=...)`` (a list in the order the tensor
arguments first appear, or a dict keyed by placeholder, its key/id, or that position);
``cmd.attrs`` given as a dict ``{"types": {...}}`` or ``{"shapes": {...}, "dtypes": {...}}``;
a type inferred for an earlier output by :meth:`Threepio.translate_all`; the placeholder's own
``.type``, or ``.expected_shape``/``.shape`` with ``.dtype``. A type is a :class:`TensorType`,
``"f32[64,10]"`` or a shape (dtype ``default_dtype``: float32). With every input typed, PyTorch
gives the output type (the command runs on meta tensors). A rule that reads a missing type
raises :class:`TypesRequired`, which says what to pass.

**Constants and identities** are commands the target's rules already emit, so executors that
allow only those accept them. A constant a rule creates (a typed scalar: an int32 2 on TF.js)
is made before its first use by ``tf.fill(shape, value, dtype)`` (TF.js; ``tf.tensor`` for
non-uniform data), ``tf.convert_to_tensor(value, dtype=...)`` (TF) or ``np.asarray(value,
dtype=...)`` (NumPy). A result that is one of the inputs (``clone``, ``float`` of a float32
tensor) is bound to the output by ``tf.cast(x, its dtype)`` (TF.js; ``tf.clone`` untyped),
``tf.convert_to_tensor(x)`` or ``np.asarray(x)``.

**Names** from ``torch`` resolve in this order (:meth:`Threepio.resolve`):

1. in-place names (``add_``, ``__iadd__``) are refused: they need the plan-level rewrite of
   :mod:`threepio.pysyft.reader`;
2. an exact rule key: ``torch.nn.functional.linear``, ``torch.Tensor.add``, ``aten.mm.default``
   (``F.`` and ``Tensor.`` stand for ``torch.nn.functional.`` and ``torch.Tensor.``);
3. the short name (a bare name, or after ``torch.nn.functional.``, ``F.``, ``torch.Tensor.``,
   ``torch.``...), renamed as PySyft needs (``copy`` is ``clone``), as ``torch.Tensor.S``,
   ``torch.S``, ``torch.nn.functional.S``, ``aten.S.default``: the first existing key;
4. the 2020 normalisation, fixed: names compared lower-case without underscores on *both*
   sides (``logSoftmax`` finds ``log_softmax``; digits are kept), public keys, same order;
5. else :class:`TranslationMissing` with the closest rule keys.

**Reverse directions** (``tf``, ``tfjs``, ``numpy`` to ``torch``, and between them through
torch) invert rules mechanically: a rule whose expansion is one target call taking the rule's
parameters (passed through, reordered or renamed; ``to(p, dtype)`` casts allowed) and literals
maps that call back to its source command. Target names resolve exactly, then with the prefix
(``matMul`` is ``tf.matMul``), then by a unique last part, then normalised. Each inversion needs
the argument types and is checked by translating the PyTorch command forward again: it must
give back exactly the caller's call (``tf.math.reduce_sum`` of int32, which PyTorch widens,
is refused); candidates are tried ``torch.X``, ``torch.Tensor.X``, ``torch.nn.functional.X``,
dunders, ATen (``attrs`` ``["torch", "ops", "aten", "sum", "default"]``). Commands that only
non-invertible rules emit are refused by :class:`TranslationMissing`. Arguments PyTorch
rejects raise :class:`~threepio.errors.PlanFormatError`.

Translations are cached per (command, literal arguments, types) as immutable templates in a
bounded thread-safe cache; every call builds new :class:`Command` objects (PySyft mutates them)
and nothing shared is modified. ``framework`` and 2020's ``lookup_command`` are ignored.
"""

from __future__ import annotations

import difflib
import itertools
import numbers
import re
from functools import cache, lru_cache

from .command import _infer_output, parse_type
from .errors import PlanFormatError, TranslationError
from .ir import DType, Op, Plan, Ref, TensorType, Value
from .rules.expr import Call, Lit, Name
from .rules.loader import TARGETS, load_rules
from .rules.model import walk_calls
from .translator import translate as _translate_plan

__all__ = ["Threepio", "Command", "Placeholder", "TranslationMissing", "TypesRequired"]

LANGS = ("torch",) + TARGETS
#: PySyft 0.2.x command names that PyTorch spells differently
RENAMED = {"copy": "clone"}
_PREFIXES = ("torch.nn.functional.", "nn.functional.", "F.", "torch.Tensor.", "Tensor.", "torch.")
_ALIASES = (("F.", "torch.nn.functional."), ("nn.functional.", "torch.nn.functional."),
            ("Tensor.", "torch.Tensor."))
_CANDIDATES = ("torch.Tensor.{}", "torch.{}", "torch.nn.functional.{}", "aten.{}.default")
#: preference among the source commands of an inverted call (most specific prefix first)
_REVERSE_RANK = (("torch.nn.functional.", 2), ("torch.Tensor.__", 3), ("torch.Tensor.", 1),
                 ("torch.", 0), ("aten.", 4))
_INPLACE = re.compile(r"(?:[A-Za-z0-9]_|__i(?:add|sub|mul|truediv|div|floordiv|mod|pow|and|or"
                      r"|xor|lshift|rshift|matmul)__)\Z")
_TYPE_ERRORS = ("not known statically", "is unknown")
_fresh = itertools.count(1)
_PLAIN = {int, float, bool, str, type(None)}
_SEVERAL = TensorType("bool", (0,))  # marks a PyTorch result that is not one tensor


class TranslationMissing(TranslationError):
    """No rule translates this command in this direction; ``suggestions`` holds close names."""


class TypesRequired(TranslationError):
    """The rule reads dtypes or shapes of tensor arguments that were not given."""


class Placeholder:
    """A value of a translated command list (``type``: optional, for use as a typed input)."""

    __slots__ = ("key", "type")

    def __init__(self, key, type: TensorType | None = None):
        self.key, self.type = key, type

    def __eq__(self, other):
        return isinstance(other, Placeholder) and other.key == self.key

    def __hash__(self):
        return hash(("Placeholder", self.key))

    def __repr__(self):
        return f"Placeholder({self.key!r})"


class Command:
    """One command, with the 2020 fields. ``name`` is the full command name (``tf.matMul``)."""

    def __init__(self, function_name: str, args, kwargs, attrs=None, placeholder_output=None):
        self.function_name = function_name
        self.args = list(args)
        self.kwargs = dict(kwargs or {})
        self.attrs = attrs if attrs is not None else []
        self.placeholder_output = placeholder_output

    @property
    def name(self) -> str:
        return ".".join(self.attrs) if isinstance(self.attrs, list) and self.attrs \
            else self.function_name

    def _fields(self):
        return (self.function_name, self.args, self.kwargs, self.attrs, self.placeholder_output)

    def __eq__(self, other):
        return isinstance(other, Command) and self._fields() == other._fields()

    __hash__ = None

    def __repr__(self):
        return (f"Command({self.function_name!r}, {self.args!r}, {self.kwargs!r}, "
                f"attrs={self.attrs!r}, placeholder_output={self.placeholder_output!r})")


# -- arguments and types ----------------------------------------------------------------------
def _is_dtype(x) -> bool:
    return type(x).__name__ == "dtype"  # torch.dtype, numpy.dtype


def _is_tensor(x) -> bool:
    return not isinstance(x, (bool, numbers.Number, str, bytes, list, tuple, dict, DType,
                              type(None))) and not _is_dtype(x)


def _hashable(x) -> bool:
    try:
        hash(x)
    except TypeError:
        return False
    return True


def _key(p):
    """How placeholders are told apart: ``key``, else ``id``, else the object (or its address)."""
    if isinstance(p, Ref):
        return ("ref", p.name)
    for attr in ("key", "id"):
        v = getattr(p, attr, None)
        if v is not None and not callable(v):
            return (attr, v if _hashable(v) else id(v))
    return ("obj", p) if _hashable(p) else ("addr", id(p))


def _split(args, kwargs):
    """Caller arguments -> (tensors in order of first use, their keys, frozen args, frozen
    kwargs). Frozen arguments are hashable and typed, so 1, 1.0 and True stay apart: a tensor is
    ("Ref", N), a list ("list", items), a dtype ("DType", name), a literal (type name, value)."""
    tensors, keys, slot = [], [], {}

    def conv(x):
        if type(x) in _PLAIN:
            return (type(x).__name__, x)
        if _is_tensor(x):
            k = _key(x)
            if k not in slot:
                slot[k] = len(tensors)
                tensors.append(x)
                keys.append(k)
            return ("Ref", slot[k])
        if isinstance(x, (list, tuple)):
            return ("list", tuple(conv(e) for e in x))
        if _is_dtype(x) or isinstance(x, DType):
            return ("DType", x.name if isinstance(x, DType) else str(x).removeprefix("torch."))
        if isinstance(x, dict):
            raise PlanFormatError(f"a dict argument is not supported: {x!r}")
        if isinstance(x, numbers.Number) and not isinstance(x, (bool, int, float)):
            x = x.item() if hasattr(x, "item") else float(x)  # numpy scalars
        return (type(x).__name__, x)

    fargs = tuple(conv(a) for a in args)
    return tensors, keys, fargs, tuple(sorted((k, conv(v)) for k, v in (kwargs or {}).items()))


def _thaw(x):
    """A frozen argument as a plan argument (tensor N is ``Ref("aN")``)."""
    tag, v = x
    if tag == "list":
        return [_thaw(e) for e in v]
    return Ref(f"a{v}") if tag == "Ref" else DType(v) if tag == "DType" else v


def _as_type(spec, dtype=None, default="float32") -> TensorType | None:
    if spec is None or isinstance(spec, TensorType):
        return spec
    if isinstance(spec, str):
        return parse_type(spec)
    d = str(dtype).removeprefix("torch.") if dtype is not None else default
    return TensorType(d, tuple(int(n) for n in spec))


def _lookup(table, p, key, index):
    if isinstance(table, (list, tuple)):
        return table[index] if index < len(table) else None
    if isinstance(table, dict):
        for k in (p if _hashable(p) else None, key[1], index):
            if k is not None and k in table:
                return table[k]
    return None


def _types(tensors, keys, types, attrs, default: str, env: dict) -> dict:
    """The known type of each tensor argument, keyed by :func:`_key` (module doc: the order)."""
    attrs, out = attrs if isinstance(attrs, dict) else {}, {}
    for i, (p, k) in enumerate(zip(tensors, keys)):
        t = _as_type(_lookup(types, p, k, i), default=default)
        if t is not None:
            out[k] = t
            continue
        t = _as_type(_lookup(attrs.get("types"), p, k, i), default=default)
        shape = _lookup(attrs.get("shapes"), p, k, i)
        if t is None and shape is not None:
            t = _as_type(shape, _lookup(attrs.get("dtypes"), p, k, i), default)
        t = t or env.get(k)
        if t is None and isinstance(getattr(p, "type", None), TensorType):
            t = p.type
        if t is None:
            shape = getattr(p, "expected_shape", None)
            shape = getattr(p, "shape", None) if shape is None else shape
            if shape is not None and not callable(shape):
                t = _as_type(list(shape), getattr(p, "expected_dtype", None) or
                             getattr(p, "dtype", None), default)
        if t is not None:
            out[k] = t
    return out


# -- names ---------------------------------------------------------------------------------------
def _norm(name: str) -> str:
    return name.strip("_").replace("_", "").lower()


def _missing(name: str, where: str, names, reason: str) -> TranslationMissing:
    names = sorted(set(names))
    last = {n.rsplit(".", 1)[-1]: n for n in names}
    sugg = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
    sugg += [last[s] for s in difflib.get_close_matches(name.rsplit(".", 1)[-1], list(last),
                                                        n=5, cutoff=0.6) if last[s] not in sugg]
    msg = f"no translation for {name!r} {where}: {reason}"
    if sugg:
        msg += "\n  closest mapped commands: " + ", ".join(sugg[:6])
    return TranslationMissing(msg, op=name, suggestions=tuple(sugg[:6]))


@lru_cache(maxsize=4096)
def resolve_torch(name: str, target: str) -> str:
    """The rule key of ``target`` for a PyTorch command name (the order is in the module doc)."""
    where = f"from torch to {target}"
    # a generated key whose proposal did not verify on this target maps nothing here
    rules = {k: r for k, r in load_rules(target).rules.items()
             if not (r.generated and all(c.emit is None for c in r.cases))}
    if _INPLACE.search(name):
        raise _missing(name, where, [], "in-place commands mutate a placeholder; translate the "
                       "out-of-place command into a new one (threepio.pysyft.reader does)")
    full = next((canon + name[len(a):] for a, canon in _ALIASES if name.startswith(a)), name)
    if full in rules:
        return full
    short = name if "." not in name else next(
        (name[len(p):] for p in _PREFIXES if name.startswith(p) and "." not in name[len(p):]),
        None)
    if short is not None:
        short = RENAMED.get(short, short)
        for key in (c.format(short) for c in _CANDIDATES):
            if key in rules:
                return key
        for head in (c.format("") for c in _CANDIDATES[:3]):
            for key in sorted(k for k in rules if k.startswith(head)):
                if "." not in key[len(head):] and _norm(key[len(head):]) == _norm(short):
                    return key
    raise _missing(name, where, rules, f"no rule in mappings/{target}.yaml")


@cache
def inverse_index(lang: str) -> dict:
    """Target command -> its invertible rules in ``mappings/<lang>.yaml``, best first, each as
    (rule key, positional items, keyword items); an item is ("param", name) or ("lit", value)."""
    rs, index = load_rules(lang), {}
    for key, rule in rs.rules.items():
        emits = [c.emit for c in rule.cases if c.emit is not None]
        sig = rule.signature
        if len(emits) != 1 or emits[0].assigns or not isinstance(emits[0].result, Call) or \
                sig.varargs or emits[0].result.func.split(".", 1)[0] not in rs.prefixes:
            continue
        call = emits[0].result
        pos = [_item(a, sig.params) for a in call.args]
        kws = [(k, _item(v, sig.params)) for k, v in call.kwargs]
        used = [i[1] for i in pos + [v for _, v in kws] if i and i[0] == "param"]
        if None in pos or any(v is None for _, v in kws) or len(used) != len(set(used)) or \
                set(sig.params) - set(used) - {n for n, _ in sig.defaults}:
            continue
        index.setdefault(call.func, []).append((key, tuple(pos), tuple(kws)))

    def rank(entry):
        return next(r for p, r in _REVERSE_RANK if entry[0].startswith(p)), entry[0]

    return {c: tuple(sorted(v, key=rank)) for c, v in index.items()}


def _item(node, params):
    if isinstance(node, Call) and node.func == "to" and len(node.args) == 2:
        node = node.args[0]  # a cast to the result dtype: checked when the inversion is used
    if isinstance(node, Name) and node.id in params:
        return ("param", node.id)
    return ("lit", node.value) if isinstance(node, Lit) else None


def resolve_target(name: str, lang: str) -> str:
    """The full ``lang`` command (``tf.matMul``) an invertible rule emits, for a name as given
    (``tf.matMul``, ``matMul``, ``matmul``...)."""
    index, rs = inverse_index(lang), load_rules(lang)
    full = [name] + [f"{p}.{name}" for p in rs.prefixes]
    hits = [f for f in full if f in index] or \
        sorted(c for c in index if c.rsplit(".", 1)[-1] == name) or \
        sorted(c for c in index if _norm(c.rsplit(".", 1)[-1]) == _norm(name))
    if len(hits) == 1:
        return hits[0]
    where = f"from {lang} to torch"
    if hits:
        raise _missing(name, where, hits, f"ambiguous: name one of {', '.join(hits)}")
    emitted = [f for f in full if f in rs.commands] or \
        sorted(c for c in rs.commands if c.rsplit(".", 1)[-1] == name)
    if not emitted:
        raise _missing(name, where, index, f"mappings/{lang}.yaml has no rule emitting it")
    users = sorted(k for k, r in rs.rules.items()
                   if any(c.func == emitted[0] for case in r.cases for c in walk_calls(case.emit)))
    raise _missing(name, where, index, f"the rules that emit {emitted[0]} in mappings/{lang}.yaml"
                   f" ({', '.join(users[:4]) or 'its cast'}) are not invertible: they expand to "
                   "several commands or compute arguments")


# -- one command through the translator, cached as a template ----------------------------------
class _Slot:
    """Where a template value comes from: caller input N, the final output, or a fresh value."""

    __slots__ = ("kind", "ref")

    def __init__(self, kind: str, ref):
        self.kind, self.ref = kind, ref


def _infer(key: str, args, kwargs, in_types: tuple) -> TensorType:
    """The type PyTorch's ``key`` returns for these inputs, run on meta tensors: no memory and
    no arithmetic, whatever the sizes (CPU kernels could also stall on their thread pool)."""
    import torch

    from .runner import interpreter

    def dec(x):
        if isinstance(x, Ref):
            t = in_types[int(x.name[1:])]
            return torch.empty(t.shape, dtype=getattr(torch, t.dtype), device="meta")
        if isinstance(x, DType):
            return getattr(torch, x.name)
        return [dec(e) for e in x] if isinstance(x, list) else x

    try:
        y = interpreter("torch").lookup(key)(*map(dec, args), **{k: dec(v)
                                                                 for k, v in kwargs.items()})
    except NotImplementedError:  # no meta kernel: run it on zeros
        plan = Plan(key, "aten" if key.startswith("aten.") else "torch",
                    [Value(f"a{i}", t) for i, t in enumerate(in_types)])
        return _infer_output(key, tuple(args), kwargs, plan)
    except Exception as e:  # the command is wrong for these types: say so (as threepio.command)
        raise PlanFormatError(f"PyTorch rejects {key} with these inputs: {e}") from None
    if not isinstance(y, torch.Tensor):
        return _SEVERAL
    return TensorType(str(y.dtype).removeprefix("torch."), tuple(y.shape))


def _constant(target: str, c):
    flat, shape = c.data.reshape(-1).tolist(), list(c.type.shape)
    if target == "tfjs":
        return ("tf.fill", (shape, flat[0] if flat else 0, c.type.dtype), {}) \
            if len(set(flat)) <= 1 else ("tf.tensor", (flat, shape, c.type.dtype), {})
    return ("tf.convert_to_tensor" if target == "tf" else "np.asarray", (c.data.tolist(),),
            {"dtype": c.type.dtype})


def _identity(target: str, ref: Ref, t: TensorType | None):
    if target == "tfjs":
        return ("tf.cast", (ref, t.dtype), {}) if t else ("tf.clone", (ref,), {})
    return ("tf.convert_to_tensor" if target == "tf" else "np.asarray", (ref,), {})


@lru_cache(maxsize=4096)
@lru_cache(maxsize=8)
def _usable_rules(target: str):
    """The target's rules without generated keys whose proposal did not verify there: for the
    2020 API, such a command goes through its ATen decomposition like any unmapped one."""
    import dataclasses

    rs = load_rules(target)
    return dataclasses.replace(rs, rules={k: r for k, r in rs.rules.items() if not (
        r.generated and all(c.emit is None for c in r.cases))})


def _template(key: str, target: str, args, kwargs, in_types: tuple):
    """Translate a command once: (steps, output type); steps hold :class:`_Slot` values."""
    args, kwargs = [_thaw(a) for a in args], {k: _thaw(v) for k, v in kwargs}
    out_type = None if None in in_types else _infer(key, args, kwargs, in_types)
    several, out_type = out_type is _SEVERAL, None if out_type is _SEVERAL else out_type
    plan = Plan(key, "aten" if key.startswith("aten.") else "torch",
                [Value(f"a{i}", t) for i, t in enumerate(in_types)], [],
                [Op(key, tuple(args), kwargs, [Value("out", out_type)])], [Ref("out")])
    try:
        res = _translate_plan(plan, target, rules=_usable_rules(target))
    except TranslationError as e:  # the rule's own reason (a signature mismatch...) comes first
        if not several or not any(s in str(e) for s in _TYPE_ERRORS):
            raise
    if several:
        raise TranslationError(f"{key} gives several values for these arguments: this API "
                               "maps commands with one output", op=key, target=target)
    slots = {v.name: _Slot("in", int(v.name[1:])) for v in res.inputs}
    steps = []
    for c in res.constants:
        slots[c.name] = _Slot("tmp", c.name)
        steps.append((*_constant(target, c), slots[c.name]))
    for op in res.ops:
        slots[op.outputs[0].name] = _Slot("out" if op.outputs[0].name == "out" else "tmp",
                                          op.outputs[0].name)
        steps.append((op.target, op.args, op.kwargs, slots[op.outputs[0].name]))
    result = res.outputs[0].name
    if result in {c.name for c in res.constants}:
        slots[result].kind = "out"  # a constant result is created straight into the output
    elif slots[result].kind != "out":
        t = next((v.type for v in res.inputs if v.name == result), None)
        steps.append((*_identity(target, Ref(result), t), _Slot("out", "out")))

    def slot(a):
        if isinstance(a, Ref):
            return slots[a.name]
        return tuple(slot(e) for e in a) if isinstance(a, (list, tuple)) else a

    return tuple((tuple(t.split(".")), slot(a), {k: slot(v) for k, v in kw.items()}, o)
                 for t, a, kw, o in steps), out_type


def _instantiate(steps, tensors, output, make) -> list[Command]:
    made = {}

    def val(s: _Slot):
        if s.kind == "in":
            return tensors[s.ref]
        if s.kind == "out":
            return output
        if s.ref not in made:
            if "" not in made:  # fresh values are named after the output's key
                k = _key(output) if output is not None else ("", None)
                made[""] = str(k[1]) if k[0] in ("key", "id", "ref") else f"v{next(_fresh)}"
            made[s.ref] = make(f"{made['']}.{s.ref}")
        return made[s.ref]

    def fill(a):  # new lists each time: callers may mutate results, templates stay intact
        if isinstance(a, _Slot):
            return val(a)
        return [fill(e) for e in a] if isinstance(a, tuple) else a

    return [Command(path[-1], [fill(a) for a in args], {n: fill(v) for n, v in kwargs.items()},
                    list(path), val(o)) for path, args, kwargs, o in steps]


# -- the 2020 entry point ------------------------------------------------------------------------
class Threepio:
    """Translates :class:`Command` objects from ``from_lang`` to ``to_lang`` (``torch``,
    ``tfjs``, ``tf``, ``numpy``). ``placeholder``: a factory ``f(key) -> object`` for the
    intermediate values of multi-command results (default :class:`Placeholder`)."""

    def __init__(self, from_lang: str, to_lang: str, framework=None, *, placeholder=None,
                 default_dtype: str = "float32"):
        if from_lang not in LANGS or to_lang not in LANGS or from_lang == to_lang:
            raise ValueError(f"cannot translate {from_lang!r} to {to_lang!r}: languages are "
                             f"{', '.join(LANGS)} and must differ")
        self.from_lang, self.to_lang, self.framework = from_lang, to_lang, framework
        self.placeholder, self.default_dtype = placeholder or Placeholder, default_dtype
        for lang in {from_lang, to_lang} - {"torch"}:  # compiled once per process
            load_rules(lang)

    def resolve(self, name: str) -> str:
        """The canonical command a source name stands for: a rule key (from ``torch``) or the
        target command an invertible rule emits."""
        if self.from_lang == "torch":
            return resolve_torch(name, self.to_lang)
        return resolve_target(name, self.from_lang)

    def translate(self, cmd: Command, types=None, lookup_command: bool = False) -> list[Command]:
        """``cmd`` as a list of ``to_lang`` commands (module doc: ``types``, placeholders)."""
        return self._translate(cmd, types, {})[0]

    def translate_all(self, cmds, types=None) -> list[list[Command]]:
        """Translate a sequence, giving each output's inferred type to the commands after it.
        ``types``: the types of the sequence's inputs, as for :meth:`translate` (a dict)."""
        env, out = {}, []
        for cmd in cmds:
            result, t = self._translate(cmd, types, env)
            if t is not None and cmd.placeholder_output is not None:
                env[_key(cmd.placeholder_output)] = t
            out.append(result)
        return out

    def commands(self) -> list[str]:
        """The source commands this direction has a rule (or an invertible rule) for."""
        if self.from_lang == "torch":
            return sorted(k for k, r in load_rules(self.to_lang).rules.items()
                          if any(c.emit is not None for c in r.cases))
        dest = None if self.to_lang == "torch" else load_rules(self.to_lang).rules
        return sorted(c for c, inv in inverse_index(self.from_lang).items()
                      if dest is None or any(k in dest for k, _, _ in inv))

    # -- internals ---------------------------------------------------------------------------
    def _translate(self, cmd: Command, types, env):
        split = _split(cmd.args, cmd.kwargs)
        known = _types(split[0], split[1], types, cmd.attrs, self.default_dtype, env)
        if self.from_lang == "torch":
            key = resolve_torch(cmd.function_name, self.to_lang)
            return self._forward(key, self.to_lang, cmd, split, known)
        src = resolve_target(cmd.function_name, self.from_lang)
        if len(known) < len(split[0]):
            raise self._types_required(src, cmd, split, known, "an inversion is checked by "
                                       "running the PyTorch command on the argument types")
        torch_cmd, t = self._invert(src, cmd, split, known)
        if self.to_lang == "torch":
            return [torch_cmd], t
        key = ".".join(torch_cmd.attrs).removeprefix("torch.ops.")
        return self._forward(key, self.to_lang, torch_cmd,
                             _split(torch_cmd.args, torch_cmd.kwargs), known)

    def _forward(self, key, target, cmd, split, known):
        tensors, keys, fargs, fkwargs = split
        try:
            steps, out_type = _template(key, target, fargs, fkwargs,
                                        tuple([known.get(k) for k in keys]))
        except TranslationError as e:
            if any(s in str(e) for s in _TYPE_ERRORS):
                reason = str(e).split(": ", 1)[-1].splitlines()[0]
                raise self._types_required(key, cmd, split, known, reason) from None
            raise TranslationError(f"{cmd.function_name!r} ({key}): {e}", op=key,
                                   target=target, suggestions=e.suggestions) from None
        return _instantiate(steps, tensors, cmd.placeholder_output, self.placeholder), out_type

    def _types_required(self, key, cmd, split, known, reason: str) -> TypesRequired:
        missing = [f"argument {i} {p!r}" for i, (p, k) in enumerate(zip(*split[:2]))
                   if k not in known]
        return TypesRequired(
            f"{cmd.function_name!r} ({key}) needs the dtype and shape of its tensor arguments "
            f"({reason}); missing for {', '.join(missing)}: pass translate(cmd, "
            "types=[TensorType('float32', (64, 10)), ...]) in tensor-argument order, or "
            "Command(..., attrs={'shapes': {placeholder: [64, 10]}})", op=key,
            target=self.to_lang)

    def _invert(self, src, cmd, split, known):
        """The PyTorch command equal to the ``from_lang`` call ``src``: the first candidate
        whose forward translation gives back exactly this call. Returns (Command, type)."""
        rules, reasons, tensors = load_rules(self.from_lang).rules, [], split[0]
        args, kwargs = [_thaw(a) for a in split[2]], {k: _thaw(v) for k, v in split[3]}
        for key, pos, kws in inverse_index(self.from_lang)[src]:
            bound = _bind(args, kwargs, pos, kws)
            if bound is None:
                shown = [i[1] if i[0] == "param" else repr(i[1]) for i in pos]
                reasons.append(f"{key} covers only {src}("
                               f"{', '.join(shown + [f'{k}={i[1]}' for k, i in kws])})")
                continue
            sig, t_args, t_kwargs = rules[key].signature, [], {}
            for i, p in enumerate(sig.params):
                if p in bound and i == len(t_args) and i < len(sig.positional):
                    t_args.append(_fill(bound[p], tensors))
                elif p in bound:
                    t_kwargs[p] = _fill(bound[p], tensors)
            path = (["torch", "ops"] if key.startswith("aten.") else []) + key.split(".")
            cand = Command(path[-2 if key.startswith("aten.") else -1], t_args, t_kwargs, path,
                           cmd.placeholder_output)
            try:
                back, out_t = self._forward(key, self.from_lang, cand,
                                            _split(cand.args, cand.kwargs), known)
            except (TranslationError, PlanFormatError) as e:
                reasons.append(f"{key}: {str(e).splitlines()[0]}")
                continue
            if len(back) == 1 and back[0].name == src and _same(back[0].args, cmd.args) and \
                    _same(back[0].kwargs, cmd.kwargs):
                return cand, out_t
            reasons.append(f"{key} translates back to {', '.join(c.name for c in back)} for "
                           "these arguments and types, not to this call")
        raise _missing(src, f"from {self.from_lang} to torch", [],
                       "the rules are not invertible for this call: " + "; ".join(reasons))


def _bind(args, kwargs, pos, kws):
    """Parameter values for a caller's call matched against a rule's emitted call, or None
    when the argument counts, keywords or literals differ."""
    if len(args) != len(pos) or set(kwargs) != {k for k, _ in kws}:
        return None
    bound = {}
    for value, (kind, x) in list(zip(args, pos)) + [(kwargs[k], i) for k, i in kws]:
        if kind == "param":
            bound[x] = value
        elif not _same(value, x):
            return None
    return bound


def _fill(a, tensors):
    if isinstance(a, Ref):
        return tensors[int(a.name[1:])]
    return [_fill(e, tensors) for e in a] if isinstance(a, list) else a


def _same(a, b) -> bool:
    """Equal arguments: placeholders by :func:`_key`, literals by value (bools apart)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(map(_same, a, b))
    if _is_tensor(a) or _is_tensor(b):
        return _is_tensor(a) and _is_tensor(b) and _key(a) == _key(b)
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def pysyft_commands(plan, role: str = "torch", placeholder=Placeholder):
    """A PySyft plan's role as the Commands PySyft 0.2.x's translator loop built: one per
    action, the target placeholder first as the implicit ``self``, keyword arguments as they
    were, and the action's first return placeholder as ``placeholder_output``.

    ``plan``: a path or the bytes of a ``syft_proto.execution.v1.Plan``. ``placeholder`` makes
    a placeholder object from an id (PySyft's ``PlaceholderId``, or :class:`Placeholder`).
    Returns ``(commands, {input placeholder: TensorType}, [output placeholders])``; input types
    come from the placeholders' ``expected_shape`` (float32, as PySyft's plans are).
    """
    from pathlib import Path

    from .pysyft.schema import Plan as PlanMessage

    data = plan if isinstance(plan, (bytes, bytearray)) else Path(plan).read_bytes()
    msg = PlanMessage.FromString(data)
    r = msg.roles[role] if role in msg.roles else msg.role

    def arg(a):
        kind = a.WhichOneof("arg")
        if kind == "arg_placeholder_id":
            return placeholder(a.arg_placeholder_id.id.id_int)
        if kind == "arg_list":
            return [arg(x) for x in a.arg_list.args]
        return list(a.arg_shape.dims) if kind == "arg_shape" else getattr(a, kind)

    cmds = []
    for a in r.actions:
        args = [arg(x) for x in a.args]
        if a.WhichOneof("target") == "target_placeholder_id":
            args.insert(0, placeholder(a.target_placeholder_id.id.id_int))
        cmds.append(Command(a.command.split(".")[-1], args,
                            {k: arg(v) for k, v in a.kwargs.items()},
                            placeholder_output=placeholder(a.return_placeholder_ids[0].id.id_int)))
    shapes = {p.id.id_int: tuple(p.expected_shape.dims) for p in r.placeholders}
    types = {placeholder(i.id_int): TensorType("float32", shapes[i.id_int])
             for i in r.input_placeholder_ids}
    return cmds, types, [placeholder(i.id_int) for i in r.output_placeholder_ids]
