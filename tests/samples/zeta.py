"""Samples for mappings/<target>/zeta.yaml (torch.special.zeta: x <= 1, q <= 0, poles,
infinities, NaN, broadcasting, ints) and for the TF.js expansions of the gamma family
(threepio/expansions/gamma.py: lgamma, digamma, polygamma on dense ranges, inside the bounds
the expansions accept, and inputs refused when the plan runs)."""

import torch
from op_samples import S, i

NAN = float("nan")
INF = float("inf")
Z = "aten.special_zeta.default"
ZS, ZO = "aten.special_zeta.self_scalar", "aten.special_zeta.other_scalar"
LG, DG, PG = "aten.lgamma.default", "aten.digamma.default", "aten.polygamma.default"

#: x down the rows, q across: PyTorch's special values (x == 1, x < 1, q a nonpositive integer,
#: q < 0 with x not an integer, infinities, NaN) and ordinary values
ZX = torch.tensor([1.0, 0.5, -1.0, 2.0, 3.0, 2.5, 4.0, 8.0, 1.0001, 30.0, INF, -INF, NAN])[:, None]
ZQ = torch.tensor([1.0, 0.5, 2.0, 10.0, 0.0, -0.0, -1.0, -0.5, -2.5, -7.3, INF, -INF, NAN,
                   1e-3, 1e30, 9.0, 8.999999, 23.5])[None, :]
_g = torch.Generator().manual_seed(5)
ZQ_DENSE = torch.rand(40, generator=_g) * 30.0 - 8.0
ZX_DENSE = torch.tensor([2.0, 2.5, 3.0, 4.0, 6.0, 1.5, 12.0])[:, None]
#: polygamma and digamma inside the TF.js bounds (x > -23; polygamma's cancelling terms near
#: -k - 1/2 for even n are refused there)
PX = torch.cat([torch.linspace(-7.9, 12.3, 61), torch.tensor([0.0, -0.0, -1.0, -3.0, INF, -INF,
                                                             NAN, 1e-30, 1e30, 0.25, -0.75])])
LX = torch.cat([torch.linspace(-30.1, 40.3, 211), torch.tensor([
    0.0, -0.0, -1.0, -2.0, INF, -INF, NAN, 1e-30, -1e-30, 1e30, 4.1e36, -1e30, 1.0, 2.0,
    1e-4, -1e-4, 0.999, 1.001, 2.001, -2.4570, 1e6 + 0.5, -1e6 + 0.5])])

SAMPLES = [
    S(Z, ZX, ZQ, note="special"),
    S(Z, ZX_DENSE, ZQ_DENSE, note="dense"),
    S(Z, torch.tensor(3.0), torch.tensor([[0.75], [1.5]]), note="0d-broadcast"),
    S(Z, torch.tensor([2.0, 3.0]).double(), torch.tensor([[0.75], [4.5]]).double(), note="float64"),
    S(Z, i(3, 4, lo=2, hi=5), i(3, 4, lo=1, hi=6), note="int"),
    S(Z, torch.tensor([2.0]), i(4, lo=-3, hi=4, dtype=torch.int32), note="mixed"),
    S(Z, torch.zeros(0, 3), torch.ones(3), note="empty"),
    S(Z, torch.tensor([3.0, 4.0]), torch.tensor([-30.5, -5000.5]), note="far-q"),
    S(Z, torch.tensor([7.0, 5.0, 11.0]), torch.tensor([-0.5, -4.5006, -2.5]), note="cancelling"),
    S(ZS, 2.0, ZQ[0], note="number-x"),
    S(ZS, 3, torch.tensor([[0.5, -2.0], [1.5, 4.0]]), note="int-x"),
    S(ZS, 4.5, i(5, lo=-2, hi=4), note="int-q"),
    S(ZO, ZX[:, 0], 1.0, note="number-q"),
    S(ZO, torch.tensor([2.0, 3.5, 6.0]), -2.5, note="negative-q"),
    S(ZO, torch.tensor([2.0, 3.0]).double(), 0.25, note="float64"),
    S(ZO, i(4, lo=2, hi=6), 2, note="int"),
    S(LG, LX, note="dense"),
    S(DG, LX, note="dense"),
    *[S(PG, n, PX, note=f"n{n}-dense") for n in range(6)],
    S(PG, 3, torch.tensor([-22.9, -15.5, -0.99]), note="n3-negative"),
    S(PG, 2, torch.tensor([-30.25]), note="n2-far"),
]

#: TF.js computes zeta in float32 and unrolls its direct sum: the inputs of the -far, -far-q
#: and -cancelling samples are refused when the plan runs, float64 when translated (on NumPy
#: and TF q = -5000.5 is beyond the bound of their loop)
REFUSED = {
    ("tfjs", f"{Z}-far-q"): "unrolled here to 32 terms",
    ("tfjs", f"{Z}-cancelling"): "cancel",
    ("tfjs", f"{PG}-n2-far"): "unrolled here to 32 terms",
    ("tfjs", f"{Z}-float64"): "no float64",
    ("tfjs", f"{ZO}-float64"): "no float64",
    ("numpy", f"{Z}-far-q"): "q <= -4096",
    ("tf", f"{Z}-far-q"): "q <= -4096",
}
