"""Samples for mappings/<target>/norm.yaml: vector norms of every ord (inf, -inf, 0, 1, 2,
fractional, negative), dim lists, keepdim, the dtype kwarg, complex input, NaN and inf,
overflow in float32, empty and 0-d tensors; dist with broadcasting."""

import torch
from op_samples import S, f

NAN = float("nan")
INF = float("inf")
VN = "aten.linalg_vector_norm.default"
ORDS = [INF, -INF, 0, 1, 2, 3, 0.9, -0.5, -2.1, 6]

#: NaN in row 0, inf in row 1, a zero in row 2, -0.0 in row 3
TRICKY = torch.tensor([[1.5, NAN, -3.0, 0.25],
                       [-INF, 2.0, 0.5, -1.0],
                       [0.0, -2.5, 1.0, 3.0],
                       [-0.0, 0.75, -1.25, 2.0]])
#: float32 overflow (x*x is inf) and underflow (x*x is 0): PyTorch does not rescale
EXTREME = torch.tensor([[3e20, 4e20], [3e-25, 4e-25], [-1e30, 1e30]])
X4 = f(3, 2, 1, 2)
Z = torch.complex(f(3, 4), f(3, 4))


def _ord_note(o):
    return {INF: "inf", -INF: "neginf"}.get(o, str(o).replace(".", "p").replace("-", "neg"))


SAMPLES = [
    *[S(VN, TRICKY, o, [1], note=f"nan-inf-ord{_ord_note(o)}") for o in ORDS],
    *[S(VN, X4, o, [0, -1], True, note=f"dims-keep-ord{_ord_note(o)}") for o in ORDS],
    *[S(VN, EXTREME, o, [1], note=f"extreme-ord{_ord_note(o)}") for o in (INF, 1, 2, 3, -1)],
    S(VN, f(3, 5), note="default"),
    S(VN, torch.tensor([[1e-40, -1e-41, 0.0], [-0.0, 2.0, NAN]]), 0, [1], note="subnormal-ord0"),
    S(VN, f(3, 5), 2, None, True, note="all-keep"),
    S(VN, f(3, 5), 1, [], note="empty-dim-list"),
    S(VN, X4, 2, [1, 3], note="dims-1-3"),
    S(VN, f(64, 33), 2, [0], note="long-dim"),
    S(VN, f(4), 3, dtype=torch.float64, note="dtype-float64"),
    S(VN, f(4, 3).double(), 0.5, [0], note="float64"),
    S(VN, f(4, 3).half(), 2, [1], note="float16"),
    S(VN, f(4, 3).half(), 2, [1], dtype=torch.float32, note="float16-dtype-float32"),
    S(VN, Z, 2, [1], note="complex"),
    S(VN, Z, INF, note="complex-inf"),
    S(VN, Z.to(torch.complex64), -1, [0], dtype=torch.complex128, note="complex-dtype"),
    S(VN, torch.tensor(-2.5), 2, note="0d"),
    S(VN, torch.tensor(-2.5), -INF, [0], True, note="0d-dim-keep"),
    S(VN, torch.tensor(NAN), INF, note="0d-nan"),
    S(VN, f(0, 3), 2, note="empty"),
    S(VN, f(0, 3), 0, [0], note="empty-reduced-dim"),
    S(VN, f(0, 3), INF, [1], note="empty-out"),
    S(VN, f(2, 0, 3), -1, [0], True, note="empty-out-keep"),
    S("aten.dist.default", f(3, 4), f(4), note="broadcast"),
    S("aten.dist.default", f(2, 1, 3), f(4, 1), 3, note="broadcast-p3"),
    S("aten.dist.default", TRICKY, f(4), INF, note="nan-inf"),
    S("aten.dist.default", TRICKY, f(4), -INF, note="nan-neginf"),
    S("aten.dist.default", f(3, 4), f(3, 4), 0, note="p0"),
    S("aten.dist.default", f(3, 4), f(3, 4), 1, note="p1"),
    S("aten.dist.default", f(3, 4), f(3, 4), -0.5, note="pneg"),
    S("aten.dist.default", f(3, 4).double(), f(3, 4), 2, note="float64-float32"),
    S("aten.dist.default", torch.tensor(1.5), torch.tensor(-2.0), note="0d"),
    S("aten.dist.default", f(0, 3), f(3), note="empty"),
    S("aten.dist.default", Z, Z.flip(0), note="complex"),
]

_CPLX = ("complex", "complex-inf", "complex-dtype")
#: TF.js carries no complex tensors
REFUSED = {
    ("tfjs", f"{VN}-{n}"): "complex" for n in _CPLX
} | {
    ("tfjs", "aten.dist.default-complex"): "complex",
}
