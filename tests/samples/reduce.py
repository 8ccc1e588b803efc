"""Samples for mappings/<target>/reduce.yaml: var_mean, cumprod, median / nanmedian / kthvalue
(ties, NaN, all-NaN rows, signed zeros, ints), diagonal_scatter, clamp_min / clamp_max (NaN),
masked_select, scatter with reduce, _trilinear and lgamma / digamma / polygamma (poles, negative
and huge inputs)."""

import torch
from op_samples import S, b, f, i

NAN = float("nan")
INF = float("inf")
TIES = torch.tensor([[3.0, 1.0, 3.0, 1.0, 2.0, 2.0, 1.0, 3.0],
                     [0.0, -0.0, 0.0, -0.0, 5.0, -5.0, 0.0, 1.0],
                     [NAN, 1.0, 2.0, NAN, 0.5, 1.0, 1.0, 2.0],
                     [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN]])
INT_TIES = torch.randint(-2, 3, (5, 23), generator=torch.Generator().manual_seed(7))
POLES = torch.tensor([0.0, -0.0, -1.0, -2.0, -2.5, 1.0, 2.0, INF, -INF, NAN, 1e-30, -1e-30,
                      1e30, 0.5, -0.5, 1e-8, -3.7, -10.2, -100.3, 7.5, 1.4616, 2.3e5, -1e-4])
SPECIAL = torch.cat([POLES, torch.linspace(-8.3, 12.1, 77)])
BIG_CUMPROD = torch.tensor([[1e30, 1e30, 1e-30, 2.0, NAN, 3.0], [0.5, -0.0, INF, 2.0, 1.0, -1.0]])
VM, CP = "aten.var_mean.correction", "aten.cumprod.default"
MED, MEDD, NMED, NMEDD, KTH = ("aten.median.default", "aten.median.dim", "aten.nanmedian.default",
                               "aten.nanmedian.dim", "aten.kthvalue.default")
DS, CMIN, CMAX, MS = ("aten.diagonal_scatter.default", "aten.clamp_min.default",
                      "aten.clamp_max.default", "aten.masked_select.default")
SR, SVR, TRI = "aten.scatter.reduce", "aten.scatter.value_reduce", "aten._trilinear.default"
LG, DG, PG = "aten.lgamma.default", "aten.digamma.default", "aten.polygamma.default"
X = f(3, 4, 5)
IDX = torch.tensor([[0, 1, 0, 2], [2, 2, 1, 0]])

SAMPLES = [
    S(VM, X, [1], note="dim1"),
    S(VM, X, [0, 2], correction=0, keepdim=True, note="dims-keepdim"),
    S(VM, X, note="all"),
    S(VM, f(1, 3), [0], note="dof-zero"),
    S(VM, torch.zeros(0, 3), [0], note="empty"),
    S(VM, TIES, [1], correction=2, note="nan"),
    S(CP, f(3, 5), 1, note="float"),
    S(CP, BIG_CUMPROD, 1, note="overflow-back"),
    S(CP, i(3, 4, lo=-4, hi=5), 0, note="int64"),
    S(CP, i(2, 5, dtype=torch.int32), -1, note="int32"),
    S(CP, b(3, 4), 1, note="bool"),
    S(CP, i(3, 1), 1, note="int-len1"),
    S(CP, f(3, 4), 0, dtype=torch.float64, note="float64"),
    S(CP, torch.tensor(2.5), 0, note="0d"),
    S(CP, torch.zeros(0, 3), 1, note="empty"),
    S(MED, TIES[:2], note="ties"),
    S(MED, TIES, note="nan"),
    S(MED, INT_TIES, note="int"),
    S(MED, torch.zeros(0), note="empty"),
    S(NMED, TIES, note="nan"),
    S(NMED, TIES[3], note="all-nan"),
    S(NMED, f(4, 5), note="float"),
    S(MEDD, TIES, 1, note="ties-nan"),
    S(MEDD, TIES, 0, True, note="dim0-keepdim"),
    S(MEDD, INT_TIES, 1, note="int-ties"),
    S(MEDD, torch.tensor(1.5), 0, note="0d"),
    S(NMEDD, TIES, 1, note="ties-nan"),
    S(NMEDD, torch.full((3, 13), NAN), -1, True, note="all-nan"),
    S(NMEDD, INT_TIES, 0, note="int-ties"),
    S(NMEDD, torch.zeros(0, 4), 1, note="empty"),
    S(KTH, TIES, 3, 1, note="ties-nan"),
    S(KTH, INT_TIES, 7, 1, True, note="int-ties"),
    S(KTH, f(4, 6), 2, 0, note="dim0"),
    S(KTH, TIES, 8, note="values"),
    S(DS, X, f(5, 3), note="default"),
    S(DS, X, f(3, 4), 1, 1, 2, note="offset"),
    S(DS, X, f(4, 3), -1, 2, 0, note="neg-offset-swapped"),
    S(DS, i(4, 4), i(2), 2, note="int"),
    S(DS, b(3, 3), b(1), -2, note="bool"),
    S(DS, X, f(5, 0), 4, note="empty-diag"),
    S(CMIN, TIES, 1.0, note="nan-self"),
    S(CMIN, f(3, 4), NAN, note="nan-bound"),
    S(CMIN, i(3, 4), 1.5, note="int-float"),
    S(CMIN, i(3, 4), 2, note="int"),
    S(CMAX, TIES, 1.0, note="nan-self"),
    S(CMAX, f(3, 4), NAN, note="nan-bound"),
    S(CMAX, i(3, 4, dtype=torch.int32), -1, note="int32"),
    S(MS, TIES, TIES > 0.5, note="float"),
    S(MS, f(3, 1), b(3, 4), note="broadcast-self"),
    S(MS, i(2, 3), b(3), note="broadcast-mask"),
    S(MS, f(3), torch.zeros(3, dtype=torch.bool), note="none"),
    S(MS, torch.tensor(2.0), b(4), note="0d"),
    S(SR, f(3, 4), 1, IDX.repeat(2, 1)[:3], f(3, 4), reduce="add", note="add"),
    S(SR, f(3, 4), 1, IDX.repeat(2, 1)[:3], f(3, 4), reduce="multiply", note="multiply"),
    S(SR, i(4, 3), 0, IDX.T[:3], i(4, 3), reduce="add", note="int-dim0"),
    S(SR, f(3, 4), 1, torch.zeros(0, 0, dtype=torch.int64), f(3, 4), reduce="multiply",
      note="empty-index"),
    S(SVR, f(3, 4), 1, IDX, 1.5, reduce="add", note="add"),
    S(SVR, f(3, 4), 1, IDX, -2.0, reduce="multiply", note="multiply"),
    S(SVR, i(3, 4), -1, IDX, 3, reduce="multiply", note="int"),
    S(TRI, f(4, 3), f(5, 3, 2), f(4, 2), [1, 3], [0], [1, 2], [2, 3], note="bilinear"),
    S(TRI, f(2, 3), f(2, 3), f(2, 3), [], [], [], [1], note="triple-dot"),
    S(TRI, f(2, 3), f(3), f(2), [], [0], [1], [], note="no-sum"),
    S(LG, SPECIAL, note="poles"),
    S(LG, i(6), note="int"),
    S(DG, SPECIAL, note="poles"),
    S(DG, b(5), note="bool"),
    *[S(PG, n, SPECIAL, note=f"n{n}-poles") for n in range(5)],
    S(PG, 1, i(6), note="int"),
    S(PG, 2, SPECIAL.double(), note="float64"),
]

#: which index PyTorch's quickselect returns among ties is only replayed on NumPy; on TF and
#: TF.js a guard refuses rows with equal elements
REFUSED = {
    (t, f"{KTH}-{n}"): "quickselect" for t in ("tf", "tfjs") for n in (
        "ties-nan", "int-ties", "values")
} | {
    ("tfjs", f"{MS}-{n}"): "asynchronously" for n in (
        "float", "broadcast-self", "broadcast-mask", "none", "0d")
}
REFUSED |= {
    ("tfjs", f"{CP}-{n}"): r for n, r in (
        ("float", "in double"), ("overflow-back", "in double"), ("int64", "no int64"),
        ("int32", "no int64"), ("bool", "no int64"), ("float64", "in double"),
        ("empty", "in double"))
} | {  # TF.js: zeta's direct sum unrolled to 32 terms (x = -100.3 needs more); no float64
    ("tfjs", f"{PG}-{n}"): "unrolled here to 32 terms" for n in ("n2-poles", "n3-poles", "n4-poles")
} | {("tfjs", f"{PG}-float64"): "no float64"}
SAMPLES += [
    S(SR, b(3, 4), 1, IDX.repeat(2, 1)[:3], b(3, 4), reduce="add", note="bool-add"),
    S(SR, b(3, 4), 1, IDX.repeat(2, 1)[:3], b(3, 4), reduce="multiply", note="bool-multiply"),
    S(SVR, b(3, 4), 1, IDX, True, reduce="add", note="bool"),
]
REFUSED |= {("tfjs", f"{SVR}-int"): "integer products"}

# scatter with reduce='multiply' multiplies in index order (PyTorch's loop): 1e30 * 1e30
# overflows to inf before * 1e-30; NaN, inf and -0.0 sources; a 0-d scatter
_MS = torch.tensor([[1e30, 2.0, -0.0], [3.0, float("nan"), 1.0]])
_MI = torch.tensor([[0, 0, 2], [1, 1, 2]])
_MSRC = torch.tensor([[1e30, 1e-30, -1.0], [float("inf"), 0.5, -0.0]])
SAMPLES += [
    S(SR, _MS, 1, _MI, _MSRC, reduce="multiply", note="order-overflow"),
    S(SR, _MS, 1, _MI, _MSRC, reduce="add", note="special"),
    S(SR, f(), 0, torch.tensor(0), f(), reduce="multiply", note="0d"),
    S(SVR, _MS, 0, torch.tensor([[1, 0, 1], [1, 0, 0]]), float("nan"), reduce="add",
      note="nan-value"),
]

# out-of-range indices (PyTorch raises, or its kernel reads or writes outside the tensor): every
# target refuses them by a guard (Oob: PyTorch sees in-range values, the plan the others)
from op_samples import OOB, Oob, fd  # noqa: E402

_T = torch.tensor
_OOB = [
    S(SR, fd(3, 4), 1, Oob(_T([[0], [3], [1]]), [[0], [4], [1]]), fd(3, 1), reduce="add",
      note="oob"),
    S(SR, fd(3, 4), 1, Oob(_T([[0], [3], [1]]), [[0], [-1], [1]]), fd(3, 1), reduce="multiply",
      note="oob-neg"),
    S(SVR, fd(3, 4), 1, Oob(_T([[0], [3], [1]]), [[0], [4], [1]]), 1.5, reduce="add", note="oob"),
    S(SVR, torch.arange(12).reshape(3, 4), 0, Oob(_T([[0, 2]]), [[-1, 2]]), 3, reduce="add",
      note="oob-neg-int"),
]
SAMPLES += _OOB
REFUSED.update({(t, s.id): OOB for t in ("numpy", "tf", "tfjs") for s in _OOB})
