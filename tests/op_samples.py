"""One sample (or more) per mapping rule: a command name, its arguments and keyword arguments.

Each sample becomes a one-op plan (tensors become plan inputs, everything else stays a literal)
that the tests check on every target against PyTorch. The key is the rule's key, so
``pytest -k conv`` finds every sample of a convolution rule.
"""

from dataclasses import dataclass, field

import torch

_g = torch.Generator().manual_seed(1234)


def f(*shape, lo=-2.0, hi=2.0):
    return torch.rand(shape, generator=_g) * (hi - lo) + lo


def pos(*shape):
    return f(*shape, lo=0.1, hi=3.0)


def i(*shape, lo=-5, hi=6, dtype=torch.int64):
    return torch.randint(lo, hi, shape, generator=_g, dtype=dtype)


def b(*shape):
    return torch.rand(*shape, generator=_g) > 0.5


@dataclass
class Sample:
    key: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    note: str = ""

    @property
    def id(self):
        return f"{self.key}{'-' + self.note if self.note else ''}"


def S(key, *args, note="", **kwargs):
    return Sample(key, args, kwargs, note)


class Oob(torch.Tensor):
    """An index argument out of range (``bad``: PyTorch raises, or its kernel reads or writes
    outside the tensor) for samples every target must refuse (REFUSED): PyTorch, which gives
    the one-op plan its output types, is called with ``ok`` (same shape and dtype), the plan's
    example input (``.numpy()``) is ``bad``."""

    __torch_function__ = torch._C._disabled_torch_function_impl

    @staticmethod
    def __new__(cls, ok, bad):
        t = torch.Tensor._make_subclass(cls, ok)
        t.bad = torch.as_tensor(bad, dtype=ok.dtype)
        assert t.bad.shape == ok.shape
        return t

    def numpy(self):
        return self.bad.numpy()


#: the reason of refusals of out-of-range indices (guards of every target)
OOB = "index is out of range"


def fd(*shape):
    """Floats in [-2, 2) that draw nothing from the shared generator (samples appended to a
    file keep the others' values)."""
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(n, dtype=torch.float32) * 0.618034 % 1 * 4 - 2).reshape(shape)


X = f(3, 4)
IMG = f(2, 3, 8, 8)
W33 = f(5, 3, 3, 3)
RELU_OUT = torch.relu(f(2, 3, 8, 8))  # many ties at zero: max-pool tie-breaking matters
_MP_X = torch.relu(f(2, 3, 7, 7))
#: NaN, -inf-only windows and ties: PyTorch's max pool reports NaN at the window's last NaN
_MP_NAN = torch.tensor([[[[1.0, float("nan"), 0.0, 2.0], [float("nan"), 2.0, 2.0, -1.0],
                          [-float("inf"), -float("inf"), 0.5, float("nan")],
                          [-float("inf"), -float("inf"), 0.5, 0.5]]]])

SAMPLES = [
    # unary elementwise
    *[S(f"aten.{n}.default", f(3, 4)) for n in (
        "abs", "neg", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "floor", "ceil", "erf",
        "expm1")],
    S("aten.log.default", pos(3, 4)), S("aten.sqrt.default", pos(3, 4)),
    S("aten.rsqrt.default", pos(3, 4)), S("aten.reciprocal.default", pos(3, 4)),
    S("aten.log1p.default", pos(3, 4)),
    S("aten.abs.default", i(3, 4), note="int"), S("aten.neg.default", i(5), note="int"),
    S("aten.floor.default", i(4), note="int"), S("aten.ceil.default", i(4), note="int"),
    S("aten.isnan.default", torch.tensor([1.0, float("nan"), float("inf")])),
    S("aten.isinf.default", torch.tensor([1.0, float("nan"), -float("inf")])),
    # binary with promotion
    S("aten.add.Tensor", f(3, 4), f(4)), S("aten.add.Tensor", f(3, 4), 0.5, note="scalar"),
    S("aten.add.Tensor", f(3, 4), f(3, 4), alpha=2, note="alpha"),
    S("aten.add.Tensor", i(3, 4), 3, note="int-scalar"),
    S("aten.add.Tensor", i(3, 4), f(3, 4), note="int-float"),
    S("aten.add.Tensor", b(4), b(4), alpha=True, note="bool-alpha"),
    S("aten.sub.Tensor", f(3, 4), f(3, 1)), S("aten.sub.Tensor", f(2), f(2), alpha=0.5,
                                              note="alpha"),
    S("aten.mul.Tensor", f(3, 4), f(3, 4)), S("aten.mul.Tensor", i(3, 4), 0.5, note="int-float"),
    S("aten.mul.Tensor", i(3, 4), 3, note="int-int"),
    S("aten.div.Tensor", f(3, 4), pos(3, 4)), S("aten.div.Tensor", i(3, 4), 4, note="int-true"),
    S("aten.maximum.default", f(3, 4), f(3, 4)), S("aten.minimum.default", f(3, 4), f(1, 4)),
    S("aten.maximum.default", b(5), b(5), note="bool"),
    S("aten.minimum.default", b(5), b(5), note="bool"),
    # comparisons and logic
    *[S(f"aten.{n}.Tensor", i(3, 4, lo=0, hi=3), i(3, 4, lo=0, hi=3)) for n in
      ("eq", "ne", "lt", "le", "gt", "ge")],
    *[S(f"aten.{n}.Scalar", f(3, 4), 0.25) for n in ("eq", "ne", "lt", "le", "gt", "ge")],
    S("aten.gt.Scalar", i(3, 4), 0.5, note="int-vs-float"),
    S("aten.logical_and.default", b(3, 4), b(3, 4)), S("aten.logical_or.default", b(3, 4), b(4)),
    S("aten.logical_xor.default", b(3, 4), b(3, 4)),
    S("aten.where.self", b(3, 4), f(3, 4), f(3, 4)),
    S("aten.where.self", b(3, 4), f(3, 4), torch.tensor(0.0), note="scalar-tensor"),
    # shapes
    S("aten.view.default", f(3, 4), [2, 6]), S("aten.view.default", f(3, 4), [-1], note="infer"),
    S("aten._unsafe_view.default", f(3, 4), [4, 3]), S("aten.reshape.default", f(2, 6), [3, 4]),
    S("aten.squeeze.dims", f(3, 1, 4, 1), [1, -1]), S("aten.squeeze.dim", f(3, 1, 4), 1),
    S("aten.squeeze.default", f(1, 3, 1)), S("aten.unsqueeze.default", f(3, 4), -1),
    S("aten.permute.default", f(2, 3, 4), [2, 0, 1]), S("aten.t.default", f(3, 4)),
    S("aten.transpose.int", f(2, 3, 4), -1, 0),
    S("aten.expand.default", f(1, 4), [3, 4]), S("aten.expand.default", f(3, 1), [2, -1, 5],
                                                   note="new-dims"),
    S("aten.alias.default", f(3)), S("aten.clone.default", f(3)),
    S("aten.lift_fresh_copy.default", f(3)),
    # creation and dtype
    S("aten.scalar_tensor.default", 2.5, dtype=torch.float32),
    S("aten.full_like.default", f(3, 4), 7.0), S("aten.full.default", [2, 3], 1.5),
    S("aten.full_like.default", f(2), 3, dtype=torch.int64, note="int"),
    S("aten._to_copy.default", f(3, 4), dtype=torch.int32),
    S("aten._to_copy.default", b(3, 4), dtype=torch.float32, note="bool-float"),
    S("aten._to_copy.default", f(3), dtype=torch.float32, note="same"),
    # reductions
    S("aten.sum.dim_IntList", f(3, 4), [1], True), S("aten.sum.dim_IntList", f(3, 4), [],
                                                     note="all"),
    S("aten.sum.dim_IntList", b(3, 4), [0], note="bool"),
    S("aten.sum.dim_IntList", f(2, 3, 4), [-1, 0], note="neg-dims"),
    S("aten.sum.dim_IntList", f(), [0], True, note="0d"),
    S("aten.mean.dim", f(), [-1], note="0d"), S("aten.amax.default", f(), [0], note="0d"),
    S("aten.sum.default", f(3, 4)), S("aten.mean.default", f(3, 4)),
    S("aten.mean.dim", f(3, 4), [0], True), S("aten.max.default", f(3, 4)),
    S("aten.min.default", f(3, 4)), S("aten.min.default", i(2, 5), note="int"),
    S("aten.max.default", b(2, 3), note="bool"), S("aten.min.default", b(2, 3), note="bool"),
    S("aten.min.default", torch.tensor([1.0, float("nan"), -2.0]), note="nan"),
    S("aten.amax.default", f(3, 4), [1]),
    S("aten.argmax.default", f(3, 4), 1), S("aten.argmax.default", f(3, 4), note="flat"),
    S("aten.argmax.default", f(), 0, note="0d"),
    S("aten.argmax.default", torch.tensor([[1.0, float("nan"), 3.0], [float("nan"), 0.0,
                                                                     float("nan")]]), 1,
      note="nan"),
    S("torch.argmax", torch.tensor([2.0, float("nan"), 5.0, float("nan")]), note="nan"),
    S("aten.argmax.default", torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), 1, True,
      note="ties-keepdim"),
    # matrices
    S("aten.mm.default", f(3, 4), f(4, 5)), S("aten.bmm.default", f(2, 3, 4), f(2, 4, 5)),
    S("aten.addmm.default", f(5), f(3, 4), f(4, 5)),
    S("aten.addmm.default", f(3, 5), f(3, 4), f(4, 5), note="full-bias"),
    # softmax family
    S("aten._log_softmax.default", f(3, 4), 1, False),
    S("aten._log_softmax.default", f(3, 4), 0, False, note="dim0"),
    S("aten._softmax.default", f(2, 3, 4), -1, False),
    S("aten._softmax.default", f(2, 3, 4), 1, False, note="middle"),
    S("aten._softmax.default", f(), 0, False, note="0d"),
    S("aten._log_softmax.default", f(), -1, False, note="0d"),
    S("aten._softmax.default", f(0, 3), 0, False, note="empty"),
    # selection
    S("aten.gather.default", f(3, 4), 1, i(3, 2, lo=0, hi=4)),
    S("aten.gather.default", f(2, 3, 4), -1, i(2, 3, 5, lo=0, hi=4), note="3d"),
    S("aten.gather.default", f(5), 0, i(5, 0, lo=0, hi=4), note="empty-index"),
    S("aten.gather.default", f(4, 3, 5), 0, i(2, 3, 4, lo=0, hi=4), note="dim0-smaller"),
    S("aten.gather.default", f(2, 6, 3), 1, i(2, 9, 2, lo=0, hi=6), note="middle-dim"),
    S("aten.gather.default", i(3, 4), 0, i(5, 4, lo=0, hi=3), note="int64-dim0"),
    S("aten.gather.default", torch.tensor(2.5), 0, torch.tensor(0), note="0d"),
    S("aten.scatter.value", torch.zeros(4, 5), 1, i(4, 1, lo=0, hi=5), -1.0),
    # convolution and pooling
    S("aten.convolution.default", IMG, W33, f(5), [1, 1], [1, 1], [1, 1], False, [0, 0], 1),
    S("aten.convolution.default", IMG, W33, None, [2, 2], [0, 0], [1, 1], False, [0, 0], 1,
      note="stride-nobias"),
    S("aten.convolution.default", IMG, W33, f(5), [1, 1], [2, 2], [2, 2], False, [0, 0], 1,
      note="dilation"),
    S("aten.convolution.default", i(1, 2, 5, 5), i(3, 2, 3, 3), None, [1, 1], [0, 0], [1, 1],
      False, [0, 0], 1, note="int"),
    S("aten.convolution.default", IMG, f(3, 4, 3, 3), f(4), [1, 1], [1, 1], [1, 1], True,
      [0, 0], 1, note="transposed"),
    S("aten.convolution.default", IMG, f(3, 2, 3, 2), None, [2, 3], [1, 0], [1, 1], True,
      [1, 2], 1, note="transposed-stride-outpad"),
    S("aten.convolution.default", f(2, 4, 5, 6), f(4, 3, 2, 3), f(6), [2, 1], [2, 1], [2, 3],
      True, [1, 0], 2, note="transposed-groups-dilation"),
    S("aten.convolution.default", f(2, 4, 7), f(4, 1, 3), None, [3], [0], [1], True, [2], 4,
      note="transposed-1d-depthwise"),
    S("aten.convolution.default", f(2, 3, 4, 5, 4), f(2, 3, 2, 3, 2), f(2), [1, 2, 1], [1, 0, 1],
      [1, 1, 1], False, [0, 0, 0], 1, note="3d-stride"),
    S("aten.convolution.default", f(1, 2, 5, 5, 5), f(3, 2, 2, 2, 2), None, [1, 2, 1], [0, 1, 0],
      [2, 1, 2], False, [0, 0, 0], 1, note="3d-dilation"),
    S("aten.convolution.default", f(1, 2, 5, 5, 5), f(3, 2, 2, 2, 2), None, [1, 1, 1], [0, 1, 0],
      [2, 1, 2], False, [0, 0, 0], 1, note="3d-dilation-stride1"),
    S("aten.convolution_backward.default", f(2, 5, 8, 8), IMG, W33, [5], [1, 1], [1, 1], [1, 1],
      False, [0, 0], 1, [True, True, True]),
    S("aten.convolution_backward.default", f(2, 5, 3, 3), IMG, W33, [5], [2, 2], [0, 0],
      [1, 1], False, [0, 0], 1, [True, True, False], note="stride2"),
    S("aten.max_pool2d_with_indices.default", RELU_OUT, [2, 2]),
    S("aten.max_pool2d_with_indices.default", f(2, 3, 9, 9), [3, 3], [2, 2], [1, 1],
      note="overlap-pad"),
    S("aten.max_pool2d_with_indices_backward.default", f(2, 3, 4, 4), RELU_OUT, [2, 2], [2, 2],
      [0, 0], [1, 1], False, torch.ops.aten.max_pool2d_with_indices(RELU_OUT, [2, 2])[1]),
    S("aten.max_pool2d_with_indices_backward.default", f(2, 3, 4, 4), _MP_X, [3, 3], [2, 2],
      [1, 1], [1, 1], False, torch.ops.aten.max_pool2d_with_indices(_MP_X, [3, 3], [2, 2],
                                                                    [1, 1])[1], note="overlap"),
    S("aten.max_pool2d_with_indices_backward.default", f(3, 4, 5), _MP_X[0], [2, 3], [2, 1],
      [1, 0], [2, 1], True, torch.ops.aten.max_pool2d_with_indices(_MP_X[0], [2, 3], [2, 1],
                                                                   [1, 0], [2, 1], True)[1],
      note="chw-dilation-ceil"),
    S("aten.max_pool2d_with_indices.default", _MP_X[0], [2, 3], [2, 1], [1, 0], [2, 1], True,
      note="chw-dilation-ceil"),
    S("aten.max_pool2d_with_indices.default", torch.relu(f(1, 2, 6, 5)), [3, 2], [1, 2], [1, 1],
      [1, 2], True, note="ties-dilation-ceil"),
    S("aten.max_pool2d_with_indices.default", _MP_NAN, [2, 2], [1, 1], note="nan-overlap"),
    S("aten.max_pool2d_with_indices.default", _MP_NAN, [2, 2], note="nan"),
    S("aten.max_pool2d_with_indices.default", _MP_NAN, [2, 2], [1, 1], [1, 1], note="nan-pad"),
    S("aten.max_pool2d_with_indices.default", i(2, 2, 5, 6, lo=-3, hi=3), [3, 2], [2, 2], [1, 1],
      [1, 1], True, note="int64-ties-pad-ceil"),
    # concatenation, slicing, selection
    S("aten.cat.default", [f(2, 3), f(2, 2)], 1), S("aten.cat.default", [f(2, 3), f(1, 3)],
                                                    note="dim0"),
    S("aten.cat.default", [i(2, 3), f(2, 3)], -1, note="promote"),
    S("aten.cat.default", [f(2, 3), torch.zeros(0)], 1, note="legacy-empty"),
    S("aten.cat.default", [f(1, 2) for _ in range(40)], note="many"),
    S("aten.cat.default", [torch.zeros(0), torch.zeros(0)], note="all-empty"),
    S("aten.slice.Tensor", f(4, 6), 1, 1, 5), S("aten.slice.Tensor", f(4, 6), 0, -3, None,
                                                note="neg-start"),
    S("aten.slice.Tensor", f(4, 6), 1, 0, 9223372036854775807, 2, note="step-huge-end"),
    S("aten.slice.Tensor", f(4, 6), 1, 5, 2, note="empty"),
    S("aten.select.int", f(3, 4), 1, -1), S("aten.select.int", f(3, 4), 0, 2, note="dim0"),
    S("aten.index_select.default", f(4, 3), 0, i(5, lo=0, hi=4)),
    S("aten.index_select.default", f(4, 3), 1, i(2, lo=0, hi=3), note="dim1"),
    # elementwise
    S("aten.gelu.default", f(3, 4)), S("aten.gelu.default", f(3, 4), approximate="tanh",
                                       note="tanh"),
    S("aten.pow.Tensor_Scalar", pos(3, 4), 2.5), S("aten.pow.Tensor_Scalar", f(3, 4), 2,
                                                   note="int-exp"),
    S("aten.pow.Tensor_Tensor", pos(3, 4), f(3, 4)),
    S("aten.clamp.default", f(3, 4), -0.5, 0.5),
    S("aten.clamp.default", torch.tensor([1.0, float("nan"), -3.0]), None, 0.0,
      note="nan-max-only"),
    S("aten.clamp.default", i(6), -2, note="int-min-only"),
    S("aten.clamp.default", f(2, 3), float("nan"), 1.0, note="nan-bound"),
    S("aten.expand.default", f(1, 2, 2), [0, 2, 2], note="to-empty"),
    S("aten.arange.start_step", 0, 250, 50, dtype=torch.uint8, note="uint8"),
    S("aten.copy.default", f(0, 2, 2), f(2, 2), note="broadcast-to-empty"),
    S("aten.clamp.default", f(2, 3), None, float("nan"), note="nan-max-bound"),
    S("aten.sign.default", f(6)), S("aten.sign.default", i(6), note="int"),
    S("aten.cumsum.default", f(3, 4), 1), S("aten.cumsum.default", i(5), 0, note="int"),
    S("aten.cumsum.default", b(5), 0, note="bool"),
    # API level: torch.*, Tensor methods, operators, torch.nn.functional
    S("torch.Tensor.add", f(3, 4), f(3, 4)), S("torch.Tensor.add", f(3, 4), 2.0, alpha=3,
                                               note="alpha"),
    S("torch.Tensor.sub", f(3, 4), f(4)), S("torch.Tensor.mul", f(3, 4), 2),
    S("torch.Tensor.div", f(3, 4), pos(3, 4)), S("torch.Tensor.neg", f(3)),
    S("torch.Tensor.__rsub__", f(3, 4), 2), S("torch.Tensor.__rdiv__", pos(3, 4), 1),
    S("torch.add", f(3), f(3)), S("torch.sub", f(3), 1.5), S("torch.mul", f(3), f(3)),
    S("torch.maximum", f(3), f(3)),
    *[S(f"torch.Tensor.{n}", f(3, 4)) for n in ("abs", "exp", "sigmoid", "tanh", "relu")],
    S("torch.Tensor.log", pos(3)), S("torch.Tensor.sqrt", pos(3)),
    *[S(f"torch.{n}", f(3, 4)) for n in ("exp", "tanh", "sigmoid", "relu")],
    S("torch.log", pos(3)), S("torch.abs", f(3)), S("torch.div", f(3), pos(3)),
    S("torch.Tensor.__eq__", i(3, lo=0, hi=2), i(3, lo=0, hi=2)),
    *[S(f"torch.Tensor.{n}", f(3, 4), 0.0) for n in ("eq", "ne", "gt", "ge", "lt", "le")],
    S("torch.Tensor.matmul", f(3, 4), f(4, 2)), S("torch.matmul", f(3, 4), f(4, 2)),
    # Python operators by their dunder names, as PySyft plans record them
    *[S(f"torch.Tensor.__{n}__", f(3, 4), f(3, 4)) for n in ("add", "sub", "mul", "truediv")],
    *[S(f"torch.Tensor.__{n}__", f(3, 4), 0.5, note="scalar") for n in ("gt", "lt", "ge", "le",
                                                                      "ne")],
    S("torch.Tensor.__rmul__", i(3, 4), 2), S("torch.Tensor.__radd__", f(3, 4), 1.5),
    S("torch.Tensor.__rtruediv__", pos(3, 4), 1), S("torch.Tensor.__rtruediv__", i(3, lo=1), 3,
                                                    note="int"),
    S("torch.Tensor.__neg__", f(3)), S("torch.Tensor.__matmul__", f(3, 4), f(4, 2)),
    S("torch.Tensor.sum", f(3, 4)), S("torch.Tensor.sum", f(3, 4), 1, True, note="dim"),
    S("torch.Tensor.mean", f(3, 4)), S("torch.Tensor.mean", f(3, 4), [0], note="dim"),
    S("torch.Tensor.max", f(3, 4)),
    S("torch.Tensor.argmax", f(3, 4), 1), S("torch.argmax", f(3, 4), dim=0),
    S("torch.Tensor.t", f(3, 4)), S("torch.transpose", f(2, 3, 4), 0, 2),
    S("torch.Tensor.transpose", f(2, 3, 4), 1, -1), S("torch.Tensor.view", f(3, 4), 4, 3),
    S("torch.Tensor.view", f(3, 4), [2, 6], note="list"), S("torch.Tensor.reshape", f(3, 4), -1),
    S("torch.reshape", f(3, 4), (6, 2)), S("torch.flatten", f(2, 3, 4), 1),
    S("torch.Tensor.flatten", f(2, 3, 4)), S("torch.Tensor.float", i(3)),
    S("torch.Tensor.clone", f(3)), S("torch.Tensor.contiguous", f(3)),
    S("torch.nn.functional.linear", f(3, 4), f(5, 4), f(5)),
    S("torch.nn.functional.linear", f(2, 3, 4), f(5, 4), note="3d-nobias"),
    S("torch.nn.functional.relu", f(3, 4)),
    S("torch.nn.functional.softmax", f(3, 4), dim=1),
    S("torch.nn.functional.softmax", f(3, 4), dim=0, note="dim0"),
    S("torch.nn.functional.log_softmax", f(3, 4), dim=-1),
    S("torch.nn.functional.conv2d", IMG, W33, f(5), padding=1),
    S("torch.nn.functional.conv2d", IMG, W33, stride=2, note="stride"),
    S("torch.nn.functional.max_pool2d", RELU_OUT, 2),
    S("torch.nn.functional.max_pool2d", f(2, 3, 9, 9), 3, 2, 1, note="overlap-pad"),
    S("torch.nn.functional.max_pool2d", f(2, 2, 6, 6), (3, 2), (2, 1), (1, 0), note="rect"),
    S("aten.max_pool2d_with_indices.default", f(2, 2, 6, 6), [3, 2], [2, 1], [1, 1],
      note="rect-pad"),
    S("torch.nn.functional.max_pool2d", _MP_NAN, 2, 1, 1, note="nan-pad"),
]

#: samples a target refuses by design (translation must refuse them with this reason)
REFUSED = {
    ("tfjs", "aten.convolution.default-int"): "float32 only",
    ("tfjs", "aten.convolution.default-3d-dilation"): "3-D without groups",
    ("tf", "aten.convolution.default-int"): "no integer kernels",
}

#: out-of-range indices (PyTorch raises, or its kernel reads or writes outside the tensor):
#: refused on every target, by a guard (TF.js' gather reads 0, NumPy's take wraps -1...)
_T = torch.tensor
_MPI = torch.ops.aten.max_pool2d_with_indices(torch.relu(fd(2, 3, 4, 4)), [2, 2])[1]
_OOB_SAMPLES = [
    S("aten.gather.default", fd(3, 4), 1, Oob(_T([[0], [3], [1]]), [[0], [4], [1]]), note="oob"),
    S("aten.gather.default", fd(3, 4), 1, Oob(_T([[0], [3], [1]]), [[0], [-1], [1]]),
      note="oob-neg"),
    S("aten.gather.default", fd(2, 3, 4), 0, Oob(_T([[[0, 1]]]), [[[0, 2]]]), note="oob-dim0"),
    S("aten.gather.default", _T(2.5), 0, Oob(_T(0), 1), note="oob-0d"),
    S("aten.scatter.value", torch.zeros(4, 5), 1, Oob(_T([[0], [4], [2], [1]]),
                                                      [[0], [5], [2], [1]]), -1.0, note="oob"),
    S("aten.scatter.value", torch.zeros(3, 4), 0, Oob(_T([[0, 2, 1, 0]]), [[0, -1, 1, 0]]), 2.0,
      note="oob-neg"),
    S("aten.index_select.default", fd(4, 3), 0, Oob(_T([0, 3]), [0, 4]), note="oob"),
    S("aten.index_select.default", fd(4, 3), 1, Oob(_T([2, 0]), [-1, 0]), note="oob-neg"),
    S("aten.max_pool2d_with_indices_backward.default", fd(2, 3, 2, 2), torch.relu(fd(2, 3, 4, 4)),
      [2, 2], [2, 2], [0, 0], [1, 1], False, Oob(_MPI, _MPI.masked_fill(_MPI == _MPI.max(), 64)),
      note="oob"),
]
SAMPLES += _OOB_SAMPLES
REFUSED.update({(t, s.id): OOB for t in ("numpy", "tf", "tfjs") for s in _OOB_SAMPLES})
REFUSED[("tfjs", "aten.scatter.value-oob-neg")] = "only scattering one value per row"


def _parts():
    """Samples of the mapping part files (``mappings/<target>/<part>.yaml``) live in
    ``tests/samples/<part>.py``, each with its own ``SAMPLES`` list and optional ``REFUSED``."""
    import importlib
    from pathlib import Path

    for path in sorted((Path(__file__).parent / "samples").glob("*.py")):
        if path.stem != "__init__":
            yield importlib.import_module(f"samples.{path.stem}")


for _m in _parts():
    SAMPLES += _m.SAMPLES
    REFUSED.update(getattr(_m, "REFUSED", {}))
