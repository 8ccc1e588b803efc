"""Samples for mappings/<target>/extra.yaml: view_as_real, cummax / cummin, frexp, i0 and
relatives, ndtri, erfcx, multinomial, rrelu_with_noise, _segment_reduce_backward,
_upsample_bilinear2d_aa and _ctc_loss (NaN, infinities, signed zeros, ties, 0-d and empty)."""

import torch
from op_samples import S, b, f, i

NAN, INF = float("nan"), float("inf")


def t(*values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype)


CPLX = torch.complex(f(3, 4), f(3, 4))
CUM = torch.tensor([[1.0, 3.0, 3.0, 2.0, 3.0, NAN, 5.0, NAN, 1.0],
                    [-0.0, 0.0, -0.0, 0.0, -INF, INF, INF, 2.0, -1.0],
                    [5.0, 4.0, 4.0, 5.0, 3.0, 6.0, 6.0, -INF, 7.0]])
FREXP = t(0.0, -0.0, 1.0, -1.0, 0.5, 3.0, INF, -INF, NAN, 1e-45, -3e-42, 1.17e-38, 1.1754944e-38,
          3.4028235e38, -7.5, 0.75, 2.0 ** -127, 2.0 ** 127, 1.5 * 2.0 ** -130, 0.9999999)
BESSEL = t(INF, -INF, NAN, 0.0, -0.0, 8.0, -8.0, 8.000001, 7.999999, 0.5, -3.0, 20.0, 88.0, 89.0,
           -95.0, 700.0, 1e-20, 1e30)
NDTRI = t(0.0, 1.0, -0.0, -1e-9, 1.0000001, NAN, INF, -INF, 0.5, 0.135335, 0.1353353, 0.8646647,
          0.86466473, 1e-30, 1.2e-38, 0.99999994, 1e-14, 1.2e-14, 0.3, 0.7, 0.125, 0.875)
RRELU = t(-1.0, 0.0, -0.0, 2.0, NAN, -INF, INF, -3.5)
SEG_X = torch.tensor([[1.0, NAN, 2.0], [3.0, 3.0, 0.0], [3.0, -1.0, 0.0], [0.5, 2.0, 2.0],
                      [-4.0, 2.0, INF], [7.0, 7.0, 7.0]])
SEG_L = torch.tensor([2, 0, 3, 1])
SEG_O = torch.tensor([0, 2, 2, 5, 6])
SEG_G = torch.tensor([[1.0, -2.0, 3.0], [5.0, 5.0, 5.0], [-1.0, 2.0, 0.5], [NAN, 1.0, -3.0]])


def seg_bwd(red, x=SEG_X, initial=None, **kw):
    out = torch.segment_reduce(x, red, initial=initial, **kw)
    return S("aten._segment_reduce_backward.default", SEG_G, out, x, red, initial=initial,
             note=f"{red}-{'lengths' if 'lengths' in kw else 'offsets'}"
                  f"{'' if initial is None else '-initial'}", **kw)

CTC_LP = f(12, 3, 5).log_softmax(2)
CTC_TG = torch.tensor([[1, 2, 2, 0], [3, 3, 3, 1], [4, 1, 0, 0]])
CTC_FLAT = torch.tensor([1, 2, 2, 3, 3, 3, 1, 4])
CTC = "aten._ctc_loss"
ERFCX = t(NAN, INF, -INF, 0.0, -0.0, 1e-40, 0.5, -0.5, 3.0, -3.0, 9.0, -9.0, 25.9, 26.1, 49.0,
          51.0, 1e8, -26.0, -26.8, -6.0, -6.2, 1e30)

SAMPLES = [
    S("aten.view_as_real.default", CPLX),
    S("aten.view_as_real.default", torch.complex(t(0.0, -0.0, INF, NAN), t(-0.0, NAN, 1.0, -INF)),
      note="edges"),
    S("aten.view_as_real.default", torch.complex(f(2, 3), f(2, 3)).to(torch.complex128),
      note="c128"),
    S("aten.view_as_real.default", torch.complex(f(0, 3), f(0, 3)), note="empty"),
    S("aten.view_as_real.default", torch.complex(f(), f()), note="0d"),
    *[S(f"aten.{op}.default", x, d, note=n) for op in ("cummax", "cummin") for x, d, n in (
        (CUM, 1, "edges"), (f(4, 5, 3), 0, "dim0"), (f(3, 6), -1, ""),
        (torch.tensor([[1, 1, 2], [3, 3, 3]], dtype=torch.int32), 1, "int-ties"),
        (b(4, 5), 1, "bool"), (f(), 0, "0d"), (f(0, 3), 1, "empty"),
        (i(3, 7, lo=-3, hi=3), 1, "int64"))],
    *[S(f"aten.{op}.default", x, note=n)
      for op in ("i0", "special_i0e", "special_modified_bessel_i0")
      for x, n in ((BESSEL, "edges"), (f(3, 5, lo=-12.0, hi=12.0), ""), (f(0, 2), "empty"),
                   (f(), "0d"), (BESSEL.double(), "f64"),
                   (f(4, 4, lo=-60, hi=60).double(), "f64-in-range"))],
    *[S(f"aten.{op}.default", x, note=n)
      for op in ("special_i1", "special_i1e", "special_modified_bessel_i1")
      for x, n in ((BESSEL, "edges"), (-BESSEL, "negative"), (f(3, 5, lo=-12.0, hi=12.0), ""),
                   (f(0, 2), "empty"), (f(), "0d"), (BESSEL.double(), "f64"),
                   (f(4, 4, lo=-60, hi=60).double(), "f64-in-range"))],
    S("aten.special_i1.default", i(2, 5, lo=-10, hi=10), note="int"),
    S("aten.i0.default", i(2, 5, lo=-10, hi=10), note="int"),
    S("aten.special_i0e.default", i(2, 5, lo=-10, hi=10), note="int"),
    S("aten.special_ndtri.default", NDTRI, note="edges"),
    S("aten.special_ndtri.default", f(4, 6, lo=0.0, hi=1.0)),
    S("aten.special_ndtri.default", NDTRI.double(), note="f64"),
    S("aten.special_ndtri.default", f(0, 2), note="empty"),
    S("aten.special_ndtri.default", t(0.5, 1e-40, 3e-39), note="subnormal"),
    S("aten.special_ndtri.default", torch.tensor([0, 1, 2, -1]), note="int"),
    S("aten.rrelu_with_noise.default", RRELU, torch.zeros(8), 0.1, 0.3, False, note="eval"),
    S("aten.rrelu_with_noise.default", f(3, 4), torch.zeros(3, 4), note="eval-default"),
    S("aten.rrelu_with_noise.default", RRELU.double(), torch.zeros(8, dtype=torch.float64),
      0.1, 0.3, False, note="eval-f64"),
    S("aten.rrelu_with_noise.default", torch.tensor([1.0, 2.0, NAN, 0.5]), torch.zeros(4),
      0.1, 0.3, True, note="train-positive"),
    S("aten.rrelu_with_noise.default", f(0, 3), torch.zeros(0, 3), 0.1, 0.3, True,
      note="train-empty"),
    S("aten.rrelu_with_noise.default", t(-1.0, -2.0, 0.0), torch.zeros(3), 0.25, 0.25, True,
      note="train-one-value"),
    S("aten.multinomial.default", t(0.0, 0.0, 3.0, 0.0), 4, True, note="one-category"),
    S("aten.multinomial.default", torch.tensor([[0.0, 1.0], [2.0, 0.0]]), 3, True,
      note="rows-one-category"),
    S("aten.multinomial.default", t(0.0, 5.0, 0.0), 1, note="no-replacement"),
    S("aten.multinomial.default", torch.tensor([[0.0, 0.0, 2.0], [1.0, 0.0, 0.0]]), 1,
      note="rows-no-replacement"),
    *[seg_bwd(red, **kw) for red in ("sum", "mean", "max", "min", "prod")
      for kw in ({"lengths": SEG_L}, {"offsets": SEG_O})],
    seg_bwd("max", initial=2.0, lengths=SEG_L), seg_bwd("prod", initial=2.0, lengths=SEG_L),
    S("aten._segment_reduce_backward.default", torch.tensor([[1.0, -2.0, 2.0, 0.5]]),
      torch.segment_reduce(torch.tensor([[1.0, 1.0, 3.0, 2.0, 2.0, 0.0]]), "max", axis=1,
                           lengths=torch.tensor([[2, 1, 2, 1]])),
      torch.tensor([[1.0, 1.0, 3.0, 2.0, 2.0, 0.0]]), "max", axis=1,
      lengths=torch.tensor([[2, 1, 2, 1]]), note="max-axis1"),
    *[S("aten._upsample_bilinear2d_aa.default", f(2, 3, h, w), [oh, ow], ac, note=n)
      for h, w, oh, ow, ac, n in ((8, 8, 3, 5, False, "down"), (5, 7, 11, 13, False, "up"),
                                  (9, 6, 4, 6, True, "align-corners"),
                                  (7, 3, 2, 9, False, "mixed"), (4, 4, 1, 1, True, "to-1"),
                                  (6, 6, 6, 6, False, "same"))],
    S("aten._upsample_bilinear2d_aa.default", f(1, 2, 10, 7), [4, 3], False, 0.45, 0.4,
      note="scales"),
    S("aten._upsample_bilinear2d_aa.default", f(1, 2, 6, 9).double(), [4, 5], False,
      note="f64"),
    *[S("aten._upsample_bilinear2d_aa_backward.default", f(2, 3, oh, ow), [oh, ow], [2, 3, h, w],
        ac, note=n)
      for h, w, oh, ow, ac, n in ((8, 8, 3, 5, False, "down"), (5, 7, 11, 13, False, "up"),
                                  (9, 6, 4, 6, True, "align-corners"),
                                  (4, 4, 1, 1, True, "to-1"), (6, 6, 6, 6, False, "same"))],
    S("aten._upsample_bilinear2d_aa_backward.default", f(1, 2, 4, 3), [4, 3], [1, 2, 10, 7],
      False, 0.45, 0.4, note="scales"),
    S("aten._upsample_bilinear2d_aa_backward.default", f(1, 2, 4, 5).double(), [4, 5],
      [1, 2, 6, 9], False, note="f64"),
    S("aten._upsample_bilinear2d_aa_backward.default", torch.tensor([[[[1.0, NAN, INF]]]]),
      [1, 3], [1, 1, 2, 6], False, note="nonfinite"),
    S("aten._upsample_bilinear2d_aa.default", torch.tensor([[[[1.0, NAN, 2.0, 3.0, 4.0, INF]]]]),
      [1, 3], False, note="nonfinite"),
    # a one-op plan returns log_alpha too, which is refused: the loss is proven by OpInfo's
    # nn.functional.ctc_loss cases (python -m threepio.conformance --ops ctc_loss)
    S(f"{CTC}.default", CTC_LP, CTC_TG, [12, 9, 5], [3, 4, 2]),
    S(f"{CTC}.default", CTC_LP, CTC_FLAT, [12, 12, 7], [3, 4, 1], note="flat"),
    S(f"{CTC}.Tensor", CTC_LP, CTC_TG, torch.tensor([12, 9, 5]), torch.tensor([3, 4, 2])),
    S("aten.special_erfcx.default", ERFCX, note="edges"),
    S("aten.special_erfcx.default", f(4, 5, lo=-9.0, hi=30.0)),
    S("aten.special_erfcx.default", ERFCX.double(), note="f64"),
    S("aten.special_erfcx.default", f(4, 5, lo=-9.0, hi=30.0).double(), note="f64-in-range"),
    S("aten.special_erfcx.default", torch.tensor([0, 1, -2, 5]), note="int"),
    S("aten.special_erfcx.default", f(0, 3), note="empty"),
    S("aten.frexp.Tensor", FREXP, note="edges"),
    S("aten.frexp.Tensor", f(3, 4, lo=-1e6, hi=1e6), note="wide"),
    S("aten.frexp.Tensor", FREXP.double(), note="f64"),
    S("aten.frexp.Tensor", t(0.0, -0.0, 1e-7, -3e-6, 6e-5, 65504.0, INF, NAN, 0.3,
                             dtype=torch.float16), note="f16"),
    S("aten.frexp.Tensor", f(0, 2), note="empty"),
    S("aten.frexp.Tensor", f(), note="0d"),
]

REFUSED = {
    ("tfjs", f"aten.view_as_real.default{n}"): "complex"
    for n in ("", "-edges", "-c128", "-empty", "-0d")
}
REFUSED[("tfjs", "aten.frexp.Tensor-f64")] = "float32 rounding can change"
REFUSED.update({("tfjs", f"aten.{op}.default-f64"): "beyond float32's range of exp"
                for op in ("i0", "special_modified_bessel_i0", "special_i1",
                           "special_modified_bessel_i1")})
REFUSED[("tf", "aten.special_ndtri.default-subnormal")] = "flush subnormals to zero"
REFUSED.update({(tg, f"aten._segment_reduce_backward.default-prod-{n}"): "segment product"
                for tg in ("tf", "tfjs") for n in ("lengths", "offsets", "lengths-initial")})
REFUSED.update({(tg, "aten._upsample_bilinear2d_aa.default-nonfinite"): "non-finite values"
                for tg in ("tf", "tfjs")})
REFUSED.update({(tg, f"{CTC}.{k}"): "uninitialized memory" if tg != "tfjs" else "no CTC loss"
                for tg in ("numpy", "tf", "tfjs") for k in ("default", "default-flat", "Tensor")})
REFUSED[("tfjs", "aten.special_erfcx.default-f64")] = "float32, where exp"
REFUSED.update({(tg, "aten._upsample_bilinear2d_aa_backward.default-nonfinite"): "non-finite"
                for tg in ("tf", "tfjs")})

# lengths or offsets outside the reduced axis (PyTorch's backward kernel reads outside the
# data): refused by a guard on every target (Oob: PyTorch sees the valid ones)
from op_samples import Oob  # noqa: E402

_SRB = "aten._segment_reduce_backward.default"
_SEG_BAD = [
    S(_SRB, SEG_G, torch.segment_reduce(SEG_X, "sum", lengths=SEG_L), SEG_X, "sum",
      lengths=Oob(SEG_L, [2, -1, 4, 1]), note="lengths-negative"),
    S(_SRB, SEG_G, torch.segment_reduce(SEG_X, "max", offsets=SEG_O), SEG_X, "max",
      offsets=Oob(SEG_O, [-1, 2, 2, 5, 6]), note="offsets-negative"),
]
SAMPLES += _SEG_BAD
REFUSED.update({(tg, s.id): "lengths must be|offsets must be" for tg in ("numpy", "tf", "tfjs")
                for s in _SEG_BAD})
