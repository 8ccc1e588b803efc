"""Cases for threepio/expansions/gamma.py: poles, signed zeros, infinities, negative
non-integers, large and tiny inputs, ints and bools (promoted), 0-d and empty tensors; zeta with
q <= 0 and broadcasting. The comparison here takes NaN for a mismatch: the inputs where PyTorch
returns NaN (digamma at negative integers, zeta for x < 1...) are checked by the samples of
tests/samples/zeta.py and reduce.py instead. (Dense grids against torch: error below 3e-6
for lgamma, 1e-6 for digamma and trigamma, 1e-5 for zeta and polygamma where not refused.)"""

import torch

aten = torch.ops.aten
NAN, INF = float("nan"), float("inf")

_g = torch.Generator().manual_seed(11)
EDGE = torch.tensor([0.0, -0.0, -2.5, 1.0, 2.0, INF, 1e-30, -1e-30,
                     1e30, 0.5, -0.5, 1e-8, -3.7, -10.2, -20.3, 7.5, 1.4616, 2.3e5, -1e-4,
                     9.999999, 10.0, 1e17, 4.1e36, -1e6 + 0.5])
DENSE = torch.rand(200, generator=_g) * 40.0 - 20.0
X = torch.cat([EDGE, DENSE])
POLES = torch.tensor([-1.0, -2.0, -7.0, -INF])       # lgamma: +inf; trigamma: large, finite
#: polygamma n >= 2: inside the bounds (x > -23; for even n not near -k - 1/2)
PX = torch.cat([EDGE[(EDGE > -2) & (EDGE < INF) & (EDGE != -0.5)],
                torch.tensor([-0.2, -1.8, -3.1, -7.7, -12.9]),
                torch.rand(100, generator=_g) * 30.0])
ZX = torch.tensor([1.0, 2.0, 3.0, 4.0, 30.0, 80.0])[:, None]
ZQ = torch.tensor([1.0, 0.5, 2.0, 10.0, 0.0, -0.0, -1.0, -0.5, -7.5, -INF, 1e-3, 1e-30, 1e30,
                   9.0, 8.999999, 23.5])[None, :]

CASES = {
    "lgamma": (aten.lgamma.default, [
        ((X,), {}),
        ((POLES,), {}),
        ((torch.linspace(0.5, 2.5, 401),), {}),
        ((torch.arange(-6, 7),), {}),                       # ints: promoted, poles at <= 0
        ((torch.tensor(-8.478),), {}),
        ((torch.zeros(0, 3),), {}),
        ((X.double(),), {}),
        ((X[:40].half(),), {}),
    ]),
    "digamma": (aten.digamma.default, [
        ((X,), {}),
        ((torch.tensor([True, False]),), {}),
        ((torch.arange(0, 4, dtype=torch.int32),), {}),
        ((torch.tensor(-8.478),), {}),
        ((torch.zeros(0, 3),), {}),
        ((X.double(),), {}),
    ]),
    "polygamma": (aten.polygamma.default, [
        *[((n, PX), {}) for n in range(7)],
        ((0, X), {}),
        ((1, X[X > -4096]), {}),               # trigamma: x > -4096 (required)
        ((1, POLES[:3]), {}),
        ((2, torch.arange(-3, 5)), {}),               # ints: -inf at the poles
        ((3, torch.tensor(2.5)), {}),
        ((1, torch.zeros(0, 2)), {}),
        ((4, PX.double()), {}),
    ]),
    "special_zeta": (aten.special_zeta.default, [
        ((ZX, ZQ), {}),
        ((torch.tensor([[2.0], [3.0], [4.5]]), torch.rand(30, generator=_g) * 30.0), {}),
        ((torch.tensor([[1.0001], [4.5]]), torch.tensor([0.3, 1.5, 22.0])), {}),
        ((torch.arange(2, 6), torch.arange(1, 5)), {}),      # ints: promoted to float32
        ((torch.tensor(3.0), torch.tensor([0.25, 1.5])), {}),
        ((torch.zeros(0, 3), torch.ones(3)), {}),
        ((ZX.double(), ZQ.double()), {}),
    ]),
}
