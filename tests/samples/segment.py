"""Samples for mappings/<target>/segment.yaml: segment_reduce (every reduction, lengths and
offsets, NaN, infinities, empty segments, initial values, unsafe partial coverage, inner dims),
put (duplicates, negative indices, accumulate, bool, ints), nonzero_static (NaN, -0.0,
subnormals, truncation, padding, fill values) and empty_permuted."""

import torch
from op_samples import S, b, f, i

NAN = float("nan")
INF = float("inf")
SR, PUT, NZS, EP = ("aten.segment_reduce.default", "aten.put.default",
                    "aten.nonzero_static.default", "aten.empty_permuted.default")

# segments of lengths [2, 0, 3, 1, 2]: NaN in the third, infinities, zeros of both signs
SEG = torch.tensor([1.5, -2.0, NAN, 4.0, -1.0, -0.0, INF, -INF])
LEN = torch.tensor([2, 0, 3, 1, 2])
OFF = torch.tensor([0, 2, 2, 5, 6, 8])
DATA3 = f(2, 6, 3)
DATA3[1, 2, 1] = NAN
LEN2 = torch.tensor([[1, 0, 3, 2], [0, 6, 0, 0]])
OFF2 = torch.tensor([[0, 1, 1, 4, 6], [0, 0, 6, 6, 6]])

SAMPLES = [
    *[S(SR, SEG, r, lengths=LEN, note=f"{r}-nan-inf") for r in ("max", "min", "sum", "mean",
                                                              "prod")],
    *[S(SR, SEG, r, offsets=OFF, initial=2, note=f"{r}-offsets-initial")
      for r in ("max", "min", "sum", "mean", "prod")],
    S(SR, SEG, "max", lengths=LEN, initial=INF, note="max-initial-inf"),
    S(SR, SEG, "min", lengths=LEN, initial=-0.5, note="min-initial"),
    S(SR, SEG, "sum", lengths=LEN, initial=NAN, note="initial-nan"),
    *[S(SR, DATA3, r, lengths=LEN2, axis=1, note=f"{r}-axis1") for r in ("max", "mean", "prod")],
    *[S(SR, DATA3, r, offsets=OFF2, axis=1, note=f"{r}-offsets-axis1")
      for r in ("min", "sum")],
    S(SR, f(7, 2), "sum", lengths=torch.tensor([1, 2, 0, 3]), unsafe=True, note="unsafe-short"),
    S(SR, f(7, 2), "max", offsets=torch.tensor([2, 4, 4, 6]), unsafe=True,
      note="unsafe-offsets-late-start"),
    S(SR, f(5, 3).double(), "mean", lengths=torch.tensor([2, 3], dtype=torch.int32),
      note="float64-int32-lengths"),
    S(SR, f(6).half(), "sum", lengths=torch.tensor([4, 0, 2]), note="float16"),
    S(SR, torch.zeros(0, 3), "mean", lengths=torch.tensor([0, 0]), note="empty-axis"),
    S(SR, torch.zeros(0, 3), "max", lengths=torch.tensor([0, 0]), initial=1.5,
      note="empty-axis-initial"),
    S(SR, f(4, 3), "sum", lengths=torch.zeros(0, dtype=torch.int64), unsafe=True,
      note="no-segments"),
    # put: the last duplicate wins, negative indices count from the end
    S(PUT, f(3, 4), torch.tensor([[1, -1, 5], [1, 0, -12]]),
      torch.tensor([[1.0, NAN, -0.0], [2.5, INF, 7.0]]), note="dup-last-wins"),
    S(PUT, f(3, 4), torch.tensor([1, -1, 5, 1, 1, -11]), torch.tensor([1.0, NAN, 3.0, 2.5, INF,
                                                                       7.0]),
      True, note="accumulate"),
    S(PUT, torch.tensor(2.0), torch.tensor(0), torch.tensor([5.0]), note="0d"),
    S(PUT, torch.tensor([1.0]), torch.tensor([0, 0, -1]), torch.tensor(3.0).expand(3).clone(),
      True, note="1d-accumulate"),
    S(PUT, f(2, 3), torch.zeros(0, dtype=torch.int64), f(0), note="empty-index"),
    S(PUT, f(0), torch.zeros(0, dtype=torch.int64), f(0), True, note="empty"),
    S(PUT, i(2, 5, dtype=torch.int32), torch.tensor([3, 3, -2, 9]),
      torch.tensor([7, -8, 100, 4], dtype=torch.int32), True, note="int32-accumulate"),
    S(PUT, i(2, 5), torch.tensor([3, 3, -2, 9]), torch.tensor([7, -8, 100, 4]),
      note="int64"),
    S(PUT, i(2, 5), torch.tensor([3, 3, -2, 9]), torch.tensor([7, -8, 100, 4]), True,
      note="int64-accumulate"),
    S(PUT, b(2, 4), torch.tensor([0, 0, 7, 3]), torch.tensor([True, False, True, False]),
      note="bool"),
    S(PUT, b(2, 4), torch.tensor([0, 0, 7, 3]), torch.tensor([True, False, True, False]),
      True, note="bool-accumulate"),
    S(PUT, torch.tensor([-1, 2, 100], dtype=torch.int8), torch.tensor([2, 2, 0]),
      torch.tensor([100, 50, 3], dtype=torch.int8), True, note="int8-wraps"),
    S(PUT, f(4000), torch.arange(3000), f(3000), note="parallel"),
    S(PUT, f(4000), torch.arange(3000) % 7, f(3000), True, note="parallel-accumulate"),
    # nonzero_static: NaN is nonzero, -0.0 is zero, a subnormal is nonzero
    S(NZS, torch.tensor([[0.0, NAN, -0.0], [1e-45, 0.0, -INF]]), size=6, note="nan-zeros-pad"),
    S(NZS, torch.tensor([[0.0, NAN, -0.0], [1e-45, 0.0, -INF]]), size=2, fill_value=7,
      note="truncate"),
    S(NZS, f(3, 1, 4) * b(3, 1, 4), size=9, fill_value=-3, note="3d"),
    S(NZS, i(4, 3, lo=-1, hi=2, dtype=torch.int32), size=12, note="int32"),
    S(NZS, b(5), size=3, note="bool"),
    S(NZS, torch.tensor(2.5), size=3, note="0d"),
    S(NZS, f(2, 0), size=3, fill_value=-9, note="empty"),
    S(NZS, f(4), size=0, note="size-0"),
    S(NZS, torch.tensor([[0.0, 1e-7], [-0.0, NAN]]).half(), size=3, note="float16"),
    S(NZS, torch.tensor([0j, 1e-45j, -0.0 + 0j, 2 + 0j]), size=4, note="complex"),
    S(NZS, f(5), size=6, fill_value=2**40, note="fill-int64"),
    S(NZS, torch.tensor([1e-300, 0.0, -2.0], dtype=torch.float64), size=4, note="float64"),
    S(EP, [2, 0, 3], [2, 0, 1], dtype=torch.float32, note="empty"),
    S(EP, [0, 4], [1, 0], dtype=torch.int64, note="int64"),
]

_PAR = "writes them in parallel"
REFUSED = {**{(t, f"{PUT}-parallel"): _PAR for t in ("numpy", "tf", "tfjs")},
           # TF.js computes int8 in int32: PyTorch's int8 sum wraps, an int32 one need not
           ("tfjs", f"{PUT}-int8-wraps"): "may not fit int32",
           ("tfjs", f"{NZS}-fill-int64"): "does not fit int32",
           ("tfjs", f"{NZS}-complex"): "complex",
           # TF.js has no float64: 1e-300 is zero in float32
           ("tfjs", f"{NZS}-float64"): "float32 rounding can change the result"}

# out-of-range indices (PyTorch raises, or its kernel reads or writes outside the tensor): every
# target refuses them by a guard (Oob: PyTorch sees in-range values, the plan the others)
from op_samples import OOB, Oob, fd  # noqa: E402

_OOB = [
    S(PUT, fd(3, 4), Oob(torch.tensor([1, -12, 5]), [1, -13, 5]), fd(3), note="oob-neg"),
    S(PUT, fd(3, 4), Oob(torch.tensor([1, 11, 5]), [1, 12, 5]), fd(3), True, note="oob-accumulate"),
]
SAMPLES += _OOB
REFUSED.update({(t, s.id): OOB for t in ("numpy", "tf", "tfjs") for s in _OOB})
# lengths that do not cover the axis, offsets out of order or outside it (PyTorch raises, or
# reads outside the data): refused by a guard on every target
_SEG_BAD = [
    S(SR, fd(5, 2), "sum", lengths=Oob(torch.tensor([2, 3]), [1, 2]), note="lengths-short"),
    S(SR, fd(5, 2), "max", offsets=Oob(torch.tensor([0, 2, 4, 5]), [0, 4, 2, 5]),
      note="offsets-decreasing"),
    S(SR, fd(5, 2), "sum", offsets=Oob(torch.tensor([0, 2, 5]), [-1, 2, 5]),
      note="offsets-negative"),
]
SAMPLES += _SEG_BAD
REFUSED.update({(t, s.id): "lengths must be|offsets must be" for t in ("numpy", "tf", "tfjs")
                for s in _SEG_BAD})
