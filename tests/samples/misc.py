"""Samples for mappings/<target>/misc.yaml: tensor-bound clamps, addmv / addbmm, logcumsumexp,
the *_copy view ops, index_reduce, mode, ldexp, nextafter, complex / polar and
_batch_norm_with_update (NaN, infinities, signed zeros, ties, 0-d and empty tensors)."""

import torch
from op_samples import S, b, f, i

NAN, INF = float("nan"), float("inf")


def t(*values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype)


def i32(*shape, lo=-5, hi=6):
    return i(*shape, lo=lo, hi=hi, dtype=torch.int32)


CMIN, CMAX = "aten.clamp_min.Tensor", "aten.clamp_max.Tensor"
IR = "aten.index_reduce.default"
#: rows of [5, 3] with NaN, ties and signed zeros; an index with duplicates and gaps
IR_SELF = torch.tensor([[1.0, NAN, 3.0], [4.0, 5.0, 6.0], [-0.0, 0.0, 2.0], [7.0, -1.0, INF],
                        [0.5, 0.5, 0.5]])
IR_SRC = torch.tensor([[NAN, 2.0, 7.0], [0.0, NAN, 9.0], [1.0, 1.0, -1.0], [-3.0, 0.0, 0.0],
                       [2.0, -INF, 4.0], [0.25, 3.0, 1.0]])
IR_IDX = torch.tensor([0, 0, 2, 1, 2, 0])
MODE_TIES = torch.tensor([[1.0, 2.0, 2.0, 1.0, 3.0], [3.0, 1.0, 1.0, 3.0, 0.0],
                          [-0.0, 0.0, 5.0, 5.0, 0.0], [4.0, 3.0, 2.0, 1.0, 0.0]])
LCSE = torch.tensor([[-INF, -INF, 1.0, 2.0, -INF, 80.0], [INF, 1.0, INF, -INF, 0.0, -100.0],
                     [-INF, INF, 3.0, -5.0, 1e-8, 2.0], [0.0, -0.0, 1e-30, -1e30, 1e30, 3.0],
                     [NAN, 1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, NAN, 3.0, INF, -INF]])
NEXT_X = t(0.0, -0.0, 1.0, 1.0, -1.0, 1e-45, -1e-45, 3.4028235e38, INF, -INF, NAN, 2.0, 0.0, 1.0)
NEXT_Y = t(1.0, -1.0, 2.0, 0.0, -2.0, 0.0, 0.0, INF, 0.0, 0.0, 1.0, NAN, -0.0, 1.0)

SAMPLES = [
    S(CMIN, t(1.0, NAN, 3.0, -0.0, 0.0, -INF), t(NAN, 2.0, 2.0, 0.0, -0.0, 1.0), note="nan"),
    S(CMIN, f(3, 4), f(4), note="broadcast"),
    S(CMIN, i32(6), i32(6), note="int"), S(CMIN, i32(3), t(0.5, 1.5, -2.0), note="int-float"),
    S(CMIN, b(5), b(5), note="bool"), S(CMIN, f(), f(), note="0d"),
    S(CMAX, t(1.0, NAN, 3.0, -0.0, 0.0, INF), t(NAN, 2.0, 2.0, 0.0, -0.0, 1.0), note="nan"),
    S(CMAX, f(3, 4), f(3, 1), note="broadcast"), S(CMAX, i32(6), i32(6), note="int"),
    S(CMAX, b(5), b(5), note="bool"), S(CMAX, f(0, 2), f(2), note="empty"),
    S("aten.addmv.default", f(5), f(5, 7), f(7)),
    S("aten.addmv.default", f(1), f(5, 7), f(7), beta=0.2, alpha=0.6, note="scaled"),
    S("aten.addmv.default", t(NAN, NAN, NAN), f(3, 2), f(2), beta=0, note="beta0-nan"),
    S("aten.addmv.default", f(), f(4, 0), f(0), note="empty-k"),
    S("aten.addmv.default", f(4), f(4, 0), f(0), beta=0.5, note="empty-k-scaled"),
    S("aten.addmv.default", t(NAN), f(4, 0), f(0), beta=0, note="empty-k-beta0"),
    S("aten.addmv.default", i32(3), i32(3, 4), i32(4), beta=2, alpha=3, note="int"),
    S("aten.addbmm.default", f(5, 6), f(4, 5, 3), f(4, 3, 6)),
    S("aten.addbmm.default", f(1), f(4, 5, 3), f(4, 3, 6), beta=0.6, alpha=0.2, note="scaled"),
    S("aten.addbmm.default", torch.full((2, 2), NAN), f(3, 2, 4), f(3, 4, 2), beta=0,
      note="beta0-nan"),
    S("aten.addbmm.default", f(2, 2), f(0, 2, 3), f(0, 3, 2), note="no-batch"),
    S("aten.addbmm.default", i32(2, 3), i32(2, 2, 4), i32(2, 4, 3), beta=2, alpha=-1,
      note="int"),
    S("aten.logcumsumexp.default", LCSE, 1, note="edges"),
    S("aten.logcumsumexp.default", f(4, 5, 3), 0, note="dim0"),
    S("aten.logcumsumexp.default", f(3, 6, lo=-30, hi=30), -1, note="wide"),
    S("aten.logcumsumexp.default", f(), 0, note="0d"),
    S("aten.logcumsumexp.default", f(0, 3), 1, note="empty"),
    S("aten.permute_copy.default", f(1, 2, 3, 4), [0, -2, -1, 1]),
    S("aten.permute_copy.default", f(), [], note="0d"),
    S("aten.permute_copy.default", b(2, 3), [1, 0], note="bool"),
    S("aten.narrow_copy.default", f(5, 5, 5), 1, 2, 2),
    S("aten.narrow_copy.default", f(5, 5, 5), -1, 0, 0, note="empty"),
    S("aten.narrow_copy.default", i32(4, 6), 1, -3, 2, note="neg-start"),
    S("aten.unbind_copy.int", f(5, 3)),
    S("aten.unbind_copy.int", f(2, 4, 3), -1, note="last"),
    S("aten.unbind_copy.int", b(3, 0, 2), 0, note="empty-bool"),
    S("aten.as_strided_copy.default", f(4, 4), [2, 2], [1, 2], note="refused"),
    *[S(IR, IR_SELF, 0, IR_IDX, IR_SRC, r, include_self=inc, note=f"{r}-{inc}")
      for r in ("prod", "mean", "amax", "amin") for inc in (True, False)],
    *[S(IR, f(3, 5), 1, torch.tensor([4, 0, 4, 1]), f(3, 4), r, include_self=False,
        note=f"{r}-dim1") for r in ("mean", "amax")],
    *[S(IR, i32(4, 3), 0, torch.tensor([1, 3, 1, 1, 0]), i32(5, 3), r, note=f"{r}-int")
      for r in ("mean", "amax", "amin", "prod")],
    S(IR, f(), 0, torch.tensor([0]), f(), "amin", include_self=False, note="0d"),
    S(IR, f(3, 2), 0, torch.tensor([], dtype=torch.int64), f(0, 2), "prod", note="empty-index"),
    S("aten.mode.default", MODE_TIES, note="ties"),
    S("aten.mode.default", MODE_TIES, 0, True, note="dim0-keepdim"),
    S("aten.mode.default", i32(3, 5, 4, lo=0, hi=3), 1, note="int"),
    S("aten.mode.default", b(3, 7), note="bool"),
    S("aten.mode.default", f(), note="0d"),
    S("aten.mode.default", f(2, 40), note="long-distinct"),
    S("aten.mode.default", torch.tensor([[NAN, 1.0, NAN, 1.0], [NAN, NAN, 2.0, 3.0]]),
      note="nan"),
    S("aten.mode.default", torch.randint(0, 3, (2, 30), generator=torch.Generator()
                                         .manual_seed(5)).float(), note="long-ties"),
    S("aten.ldexp.Tensor", t(1.0, 3.0, 0.5, 0.25, NAN, INF, -0.0, 2.0**100, 1.0, 1.5, 1.0, 3.0),
      torch.tensor([2, -3, 128, 129, 1, -5, 7, -249, -149, -149, 300, -300]), note="int-exp"),
    S("aten.ldexp.Tensor", f(5, 1), f(5, lo=-10, hi=10), note="float-exp"),
    S("aten.ldexp.Tensor", t(1.0, 2.0, 3.0, 0.0, NAN), t(INF, -INF, NAN, INF, 0.0),
      note="float-exp-edges"),
    S("aten.ldexp.Tensor", i32(4), i32(4), note="int-int"),
    S("aten.ldexp.Tensor", f(3, 4), torch.tensor(3), note="0d-exp"),
    S("aten.nextafter.default", NEXT_X, NEXT_Y),
    S("aten.nextafter.default", f(3, 4), f(4), note="broadcast"),
    S("aten.nextafter.default", NEXT_X.double(), NEXT_Y.double(), note="float64"),
    S("aten.complex.default", t(1.0, -0.0, INF, NAN, 2.0), t(INF, 0.0, 1.0, 2.0, NAN)),
    S("aten.complex.default", f(5, 1), f(5), note="broadcast"),
    S("aten.complex.default", f(3).double(), f(3).double(), note="float64"),
    S("aten.polar.default", t(1.0, 2.0, INF, 0.0, NAN, 3.0), t(0.5, -1.0, 0.0, 2.0, 1.0, INF)),
    S("aten.polar.default", f(5, 1, lo=0, hi=3), f(5), note="broadcast"),
    S("aten._batch_norm_with_update.default", f(3, 2, 4), f(2), f(2), f(2), f(2, lo=0.5),
      0.5, 1e-5),
    S("aten._batch_norm_with_update.default", f(3, 2, 3, 4), None, None, f(2), f(2, lo=0.5),
      -1.0, 0.5, note="no-affine"),
]

#: as_strided reads storage that plans do not track
REFUSED = {
    (tg, "aten.as_strided_copy.default-refused"): "underlying storage"
    for tg in ("numpy", "tf", "tfjs")
} | {
    (tg, "aten.mode.default-nan"): "rows with NaN are not translated" for tg in ("tf", "tfjs")
} | {
    (tg, "aten.mode.default-long-ties"): "must hold distinct values" for tg in ("tf", "tfjs")
} | {
    ("tfjs", f"aten.{k}" + (f"-{n}" if n else "")): why for k, n, why in (
        ("addmv.default", "int", "integer matrix products"),
        ("addbmm.default", "int", "integer matrix products"),
        ("index_reduce.default", "prod-int", "integer products"),
        *[("nextafter.default", n, "no bitcast") for n in ("", "broadcast", "float64")],
        *[("complex.default", n, "no complex tensors") for n in ("", "broadcast", "float64")],
        *[("polar.default", n, "no complex tensors") for n in ("", "broadcast")])
}

# out-of-range indices (PyTorch raises, or its kernel reads or writes outside the tensor): every
# target refuses them by a guard (Oob: PyTorch sees in-range values, the plan the others)
from op_samples import OOB, Oob, fd  # noqa: E402

_OOB = [
    *[S(IR, fd(4, 3), 0, Oob(torch.tensor([0, 3]), [0, 4]), fd(2, 3), r, note=f"oob-{r}")
      for r in ("prod", "mean", "amax")],
    S(IR, fd(4, 3), 1, Oob(torch.tensor([2, 0]), [-1, 0]), fd(4, 2), "amin", note="oob-neg"),
]
SAMPLES += _OOB
REFUSED.update({(t, s.id): OOB for t in ("numpy", "tf", "tfjs") for s in _OOB})
