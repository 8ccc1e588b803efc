"""Samples for mappings/<target>/linalg.yaml: SVD values, pinv, triangular and LU solves, LU and
QR factorizations, geqrf/ormqr and lstsq, batched, broadcast, rectangular and empty."""

import torch
from op_samples import S, f

torch.manual_seed(7)


def _well(*shape):
    """Well-conditioned square matrices: random plus 4 on the diagonal."""
    n = shape[-1]
    return f(*shape) + 4 * torch.eye(n)


_A = _well(2, 4, 4)
_LU, _PIV = torch.linalg.lu_factor(_A)
_H, _TAU = torch.geqrf(f(2, 5, 3))
_SINGULAR = torch.tensor([[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [3.0, 1.0, 0.0]])

SVD = "aten._linalg_svd.default"
PINV = "aten.linalg_pinv.atol_rtol_tensor"
TRI = "aten.linalg_solve_triangular.default"
LUF = "aten.linalg_lu_factor_ex.default"
LU = "aten.linalg_lu.default"
LUS = "aten.linalg_lu_solve.default"
QR = "aten.linalg_qr.default"
GEQRF = "aten.geqrf.default"
ORMQR = "aten.ormqr.default"
LSTSQ = "aten.linalg_lstsq.default"

SAMPLES = [
    S(SVD, f(2, 5, 3), False, False, note="values"),
    S(SVD, f(3, 4), True, False, note="values-wide"),
    S(SVD, f(3, 0), True, note="empty-full"),
    S(SVD, f(0, 2), note="empty"),
    S(SVD, f(4, 3), note="vectors"),
    S(PINV, f(2, 4, 3), note="batched"),
    S(PINV, _SINGULAR, note="singular"),
    S(PINV, f(3, 5), atol=torch.tensor(0.5), rtol=torch.tensor(0.1), note="atol-rtol"),
    S(PINV, f(2, 3, 3), atol=torch.tensor([0.0, 1.0]), note="atol-batched"),
    S(PINV, f(4, 4), hermitian=True, note="hermitian"),
    S(PINV, f(0, 3), note="empty"),
    S(TRI, _well(2, 4, 4), f(2, 4, 3), upper=True, note="upper"),
    S(TRI, _well(4, 4), f(3, 4, 2), upper=False, note="lower-broadcast"),
    S(TRI, _well(2, 3, 3), f(2, 5, 3), upper=True, left=False, note="right"),
    S(TRI, f(3, 3), f(3, 2), upper=False, unitriangular=True, note="unit"),
    S(TRI, _well(3, 3), f(3, 0), upper=True, note="empty"),
    S(LUF, _A, note="batched"),
    S(LUF, f(3, 5), note="wide"),
    S(LUF, f(5, 3), note="tall"),
    S(LUF, _SINGULAR, note="singular"),
    S(LU, f(2, 4, 4), note="square"),
    S(LU, f(5, 3), note="tall"),
    S(LUS, _LU, _PIV, f(2, 4, 3), note="left"),
    S(LUS, _LU, _PIV, f(2, 4, 3), adjoint=True, note="adjoint"),
    S(LUS, _LU, _PIV, f(2, 2, 4), left=False, note="right"),
    S(LUS, _LU, _PIV, f(2, 2, 4), left=False, adjoint=True, note="right-adjoint"),
    S(QR, f(5, 3), note="tall"),
    S(QR, f(2, 3, 5), note="wide-batched"),
    S(QR, f(5, 3), "complete", note="complete"),
    S(QR, f(4, 4), "r", note="r"),
    S(QR, f(3, 0), "complete", note="empty"),
    S(GEQRF, f(4, 3), note="tall"),
    S(GEQRF, f(2, 3, 5), note="wide-batched"),
    S(ORMQR, _H, _TAU, f(2, 5, 2), note="left"),
    S(ORMQR, _H, _TAU, f(2, 5, 2), True, True, note="left-transpose"),
    S(ORMQR, _H, _TAU, f(2, 3, 5), False, note="right"),
    S(ORMQR, _H, _TAU, f(2, 3, 5), False, True, note="right-transpose"),
    S(LSTSQ, f(2, 6, 3), f(2, 6, 2), driver="gelsd", note="tall-gelsd"),
    S(LSTSQ, f(3, 5), f(3, 2), driver="gelss", note="wide-gelss"),
    S(LSTSQ, f(6, 3), f(6, 2), driver="gels", note="tall-gels"),
    S(LSTSQ, f(6, 3), f(6), driver="gelsd", note="vector"),
    S(LSTSQ, f(6, 3), f(6, 2), note="gelsy-rank"),
]

_TFJS = {
    SVD: "no singular value decomposition kernel", PINV: "no singular value or eigen",
    LUF: "no LU factorization kernel",
    LU: "no LU factorization kernel", LUS: "no triangular solve", QR: "sign convention",
    GEQRF: "packed Householder vectors", ORMQR: "neither a triangular solve nor loops",
    LSTSQ: "no least-squares",
}

#: TF.js has no linear algebra kernels; singular vectors' signs differ between LAPACKs; TF's LU
#: is square only and its permutation is not LAPACK's pivots; TF's QR has no Householder output
REFUSED = {("tfjs", s.id): _TFJS[s.key] for s in SAMPLES if s.key in _TFJS} | {
    (t, f"{SVD}-vectors"): "defined only up to sign" for t in ("numpy", "tf")
} | {
    (t, f"{LSTSQ}-gelsy-rank"): "gelsy" for t in ("numpy", "tf")
} | {
    ("tf", f"{LUF}-{n}"): "cannot be computed from TF's LU permutation"
    for n in ("batched", "wide", "tall", "singular")
} | {
    ("tf", f"{LUS}-{n}"): "cannot be turned into the permutation"
    for n in ("left", "adjoint", "right", "right-adjoint")
} | {
    ("tf", f"{LU}-tall"): "square matrices only",
} | {
    ("tf", f"{GEQRF}-{n}"): "packed Householder vectors" for n in ("tall", "wide-batched")
}
