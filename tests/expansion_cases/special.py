"""Cases for threepio/expansions/special.py: each polynomial's expansion (both multiply-add
modes) against its ATen op, on a grid of x (|x| == 1, x == 0, |x| < 1, large |x|, infinities)
and n from -2 to 24 (with fractional and negative n), ints, float64 and the scalar overloads.
(NaN results are checked by the op samples, tests/samples/special.py: assert_close here does
not equate NaNs.) The plans' own roundings are checked bit for bit on the targets, where the
float32 operations are exact; in PyTorch eager, float32 sqrt is not (SLEEF), so acos can differ
by a unit here, within the tolerance."""

import torch

aten = torch.ops.aten

POLYS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
         "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
         "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
         "laguerre_polynomial_l", "legendre_polynomial_p"]

_g = torch.Generator().manual_seed(5)
_XS = torch.cat([torch.tensor([1.0, -1.0, 0.0, -0.0, 0.5, -0.5, 2.0, 1 - 2**-24, -1 + 2**-24,
                               2**-24, 9.0, -9.0]),
                 torch.rand(40, generator=_g) * 2.4 - 1.2, torch.rand(20, generator=_g),
                 torch.rand(20, generator=_g) * 6 - 3])
_NS = torch.cat([torch.arange(-2.0, 25.0), torch.tensor([-0.5, 0.5, 3.7, -1.5, 24.9])])
X, N = (t.contiguous() for t in torch.meshgrid(_XS, _NS, indexing="ij"))
SX = torch.rand(4, 3, generator=_g) * 4 - 2


def _cases(p):
    return [
        ((X, N), {}),
        ((SX, torch.arange(3) + 2), {}),                         # int64 n, broadcast
        ((SX.round().int(), torch.tensor([1, 5, 9], dtype=torch.int32)), {}),
        ((SX.double(), torch.tensor([0.0, 7.0, 12.0], dtype=torch.float64)), {}),
        ((torch.tensor(0.25), torch.tensor(9.0)), {}),
        ((torch.zeros(0, 3), torch.ones(3)), {}),
    ]


def _scalar_cases(p):
    return [((0.3, N[0]), {}), ((X[:, 0], 7), {}), ((X[:, 0], 11.5), {}), ((SX, -3), {}),
            ((SX.double(), 40), {})]


def _reference(p):
    ops = getattr(aten, f"special_{p}")

    def call(x, n):
        if not isinstance(x, torch.Tensor):
            return ops.x_scalar(x, n)
        if not isinstance(n, torch.Tensor):
            return ops.n_scalar(x, n)
        return ops.default(x, n)
    return call


# name -> (reference: the ATen op, [(args, kwargs)])
CASES = {
    f"special_{p}{suffix}": (_reference(p), _cases(p) + _scalar_cases(p))
    for p in POLYS for suffix in ("", "_f32")
}
