"""Samples for mappings/<target>/special.yaml: torch.special's orthogonal polynomials (expansions
of threepio/expansions/special.py) on x at the kernels' branch points (|x| == 1, x == 0, the
edges of the closed forms), large |x|, infinities, NaN; n from -2 to the unrolled bound 24,
fractional (truncated toward zero) and negative; int, float64 and mixed dtypes; the scalar
overloads; and the refusals (n above the bound or NaN, NaN x where the kernel's result is an
uninitialized variable)."""

import torch
from op_samples import S

NAN, INF = float("nan"), float("inf")
POLYS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
         "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
         "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
         "laguerre_polynomial_l", "legendre_polynomial_p"]
#: the kernels whose result is an uninitialized variable for NaN x and n >= 2
UNINIT = [p for p in POLYS if p not in ("chebyshev_polynomial_t", "hermite_polynomial_h",
                                        "hermite_polynomial_he")]

_g = torch.Generator().manual_seed(77)
_XS = torch.cat([torch.tensor([1.0, -1.0, 0.0, -0.0, 0.5, -0.5, 2.0, 1 - 2**-24, -1 + 2**-24,
                               2**-24, 1e-30, 9.0, -9.0, 1e20, INF, -INF]),
                 torch.rand(24, generator=_g) * 2.4 - 1.2, torch.rand(24, generator=_g),
                 torch.rand(24, generator=_g) * 18 - 9])
_NS = torch.cat([torch.arange(-2.0, 25.0), torch.tensor([-0.5, 0.5, 3.7, -1.5, 24.9])])
#: every x against every n (88 x 32)
GRID_X, GRID_N = (t.contiguous() for t in torch.meshgrid(_XS, _NS, indexing="ij"))
SMALL_X = torch.rand(6, 5, generator=_g) * 4 - 2
SMALL_N = torch.randint(-2, 12, (5,), generator=_g)


def _samples(p):
    d, xs, ns = f"aten.special_{p}.default", f"aten.special_{p}.x_scalar", \
        f"aten.special_{p}.n_scalar"
    return [
        S(d, GRID_X, GRID_N, note="grid"),
        S(d, SMALL_X, SMALL_N, note="int-n-broadcast"),
        S(d, SMALL_X.round().long(), SMALL_N, note="int64"),
        S(d, SMALL_X.round().int(), SMALL_N.int(), note="int32"),
        S(d, SMALL_X > 0, SMALL_N > 3, note="bool"),
        S(d, SMALL_X.double(), SMALL_N.double(), note="float64"),
        S(d, torch.tensor(0.75), torch.tensor(10.0), note="0d"),
        S(d, torch.zeros(0, 3), torch.ones(3), note="empty"),
        S(d, SMALL_X, torch.full((5,), 30.0), note="n-above-bound"),
        S(d, SMALL_X, torch.tensor([1.0, NAN, 2.0, 3.0, 4.0]), note="n-nan"),
        S(d, torch.tensor([NAN, 0.5, NAN]), torch.tensor([0.0, 5.0, 1.0]), note="x-nan-n01"),
        S(d, torch.tensor([NAN, 0.5]), torch.tensor([2.0, 9.0]), note="x-nan"),
        S(xs, 0.3, GRID_N[0], note="x-scalar"),
        S(xs, 2, SMALL_N, note="x-int-scalar"),
        S(ns, GRID_X[:, 0], 7, note="n-scalar"),
        S(ns, GRID_X[:, 0], 11.5, note="n-float-scalar"),
        S(ns, SMALL_X.double(), 40, note="n-scalar-40"),
        S(ns, SMALL_X, -3, note="n-scalar-negative"),
        S(ns, SMALL_X, 100, note="n-scalar-above-bound"),
    ]


SAMPLES = [s for p in POLYS for s in _samples(p)]

_TARGETS = ("numpy", "tf", "tfjs")
REFUSED = {
    (t, f"aten.special_{p}.{o}"): why
    for t in _TARGETS for p in POLYS
    for o, why in [("default-n-above-bound", "at most 24"),
                   ("n_scalar-n-scalar-above-bound", "at most 64")]
} | {
    (t, f"aten.special_{p}.default-n-nan"): "must be finite"
    for t in _TARGETS for p in POLYS if p != "hermite_polynomial_h"
} | {
    (t, f"aten.special_{p}.default-x-nan"): "uninitialized value"
    for t in _TARGETS for p in UNINIT
} | {
    ("tfjs", f"aten.special_{p}.{o}"): "TF.js has no float64"
    for p in POLYS for o in ("default-float64", "n_scalar-n-scalar-40")
}
