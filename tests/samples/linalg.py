"""Samples for mappings/<target>/linalg.yaml: SVD values, pinv, triangular and LU solves, LU and
QR factorizations, geqrf/ormqr and lstsq, Cholesky, solve, inverse, determinants, symmetric
eigenvalues, householder_product and ldl_solve, batched, broadcast, rectangular and empty, with
the matrices the runtime guards refuse (singular, not positive-definite, NaN)."""

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
CHEX = "aten.linalg_cholesky_ex.default"
CHOL = "aten.cholesky.default"
CHS = "aten.cholesky_solve.default"
CHI = "aten.cholesky_inverse.default"
TRS = "aten.triangular_solve.default"
SOLVE = "aten._linalg_solve_ex.default"
INV = "aten.linalg_inv_ex.default"
DET = "aten._linalg_det.default"
SLOG = "aten._linalg_slogdet.default"
UNPACK = "aten.lu_unpack.default"
CHECK = "aten._linalg_check_errors.default"
EIGH = "aten._linalg_eigh.default"
EIG = "aten.linalg_eig.default"
HH = "aten.linalg_householder_product.default"
LDLS = "aten.linalg_ldl_solve.default"
LDLF = "aten.linalg_ldl_factor_ex.default"


def _spd(*shape):
    """Symmetric positive-definite matrices: X X^T + I."""
    x = f(*shape)
    return x @ x.mT + torch.eye(shape[-1])


_SPD = _spd(2, 4, 4)
_CHOL = torch.linalg.cholesky(_SPD)
_NAN = _well(3, 3)
_NAN[1, 2] = float("nan")
_SYM = f(2, 5, 5)
_SYM = _SYM + _SYM.mT
_LD, _LDPIV = torch.linalg.ldl_factor(_SYM)
_LU2, _PIV2 = torch.linalg.lu_factor(f(2, 5, 3))

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
    S(LUF, torch.tensor([[1.0, 2.0, 0.5], [-1.0, 3.0, 1.0], [1.0, -2.0, 4.0]]), note="ties"),
    S(LUF, torch.tensor([[1.0, 2.0], [2.0, 4.0]]), note="rank-deficient"),
    S(LUF, f(0, 3, 3), note="empty"),
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
    S(GEQRF, torch.tensor([[0.0, 1.0], [0.0, 2.0], [0.0, 3.0]]), note="zero-column"),
    S(GEQRF, torch.triu(f(4, 4)), note="triangular"),
    S(ORMQR, _H, _TAU, f(2, 5, 2), note="left"),
    S(ORMQR, _H, _TAU, f(2, 5, 2), True, True, note="left-transpose"),
    S(ORMQR, _H, _TAU, f(2, 3, 5), False, note="right"),
    S(ORMQR, _H, _TAU, f(2, 3, 5), False, True, note="right-transpose"),
    S(LSTSQ, f(2, 6, 3), f(2, 6, 2), driver="gelsd", note="tall-gelsd"),
    S(LSTSQ, f(3, 5), f(3, 2), driver="gelss", note="wide-gelss"),
    S(LSTSQ, f(6, 3), f(6, 2), driver="gels", note="tall-gels"),
    S(LSTSQ, f(6, 3), f(6), driver="gelsd", note="vector"),
    S(LSTSQ, f(6, 3), f(6, 2), note="gelsy-rank"),
    S(CHEX, _SPD, note="lower"),
    S(CHEX, _SPD, upper=True, note="upper"),
    S(CHEX, torch.tensor([[1.0, 2.0], [2.0, 1.0]]), note="indefinite"),
    S(CHEX, f(0, 3, 3), note="empty"),
    S(CHOL, _SPD[0], note="lower"),
    S(CHOL, _SPD, True, note="upper"),
    S(CHS, f(2, 4, 3), _CHOL, note="lower"),
    S(CHS, f(4, 2), _CHOL.mT, True, note="upper-broadcast"),
    S(CHS, f(4, 2), torch.zeros(4, 4), note="zero-diagonal"),
    S(CHS, f(0, 2), torch.zeros(0, 0), note="empty"),
    S(CHI, _CHOL, note="lower"),
    S(CHI, _CHOL[0].mT, True, note="upper"),
    S(CHI, torch.zeros(0, 0), note="empty"),
    S(TRS, f(2, 4, 3), _well(2, 4, 4), note="upper"),
    S(TRS, f(2, 3, 4, 2), _well(4, 4), False, True, note="lower-transpose-broadcast"),
    S(TRS, f(4, 1), f(3, 4, 4), True, False, True, note="unit"),
    S(TRS, f(3, 2), torch.tril(_well(3, 3)), note="reads-upper"),
    S(TRS, f(0, 2), f(0, 0), note="empty"),
    S(SOLVE, _A, f(2, 4, 3), note="matrix"),
    S(SOLVE, _A, f(2, 4), note="vector"),
    S(SOLVE, _well(4, 4), f(3, 2, 4), left=False, note="right-broadcast"),
    S(SOLVE, _SINGULAR, f(3, 1), note="singular"),
    S(SOLVE, _NAN, f(3, 1), note="nan"),
    S(SOLVE, f(2, 0, 0), f(2, 0), note="empty"),
    S(INV, _A, note="batched"),
    S(INV, _SINGULAR, note="singular"),
    S(INV, f(0, 0), note="empty"),
    S(DET, f(2, 4, 4), note="batched"),
    S(DET, _SINGULAR, note="singular"),
    S(DET, _NAN, note="nan"),
    S(DET, f(0, 0), note="empty"),
    S(SLOG, f(2, 4, 4), note="batched"),
    S(SLOG, _SINGULAR, note="singular"),
    S(SLOG, f(3, 0, 0), note="empty"),
    S(UNPACK, _LU, _PIV, note="square"),
    S(UNPACK, _LU2, _PIV2, note="tall"),
    S(UNPACK, _LU2, _PIV2, False, True, note="pivots-only"),
    S(UNPACK, _LU2, _PIV2, True, False, note="data-only"),
    S(UNPACK, f(4, 6), torch.tensor([3, 4, 4, 4], dtype=torch.int32), note="chained-swaps"),
    S(UNPACK, f(2, 6, 4), torch.tensor([[6, 6, 5, 6], [2, 3, 4, 5]], dtype=torch.int32),
      note="chained-tall"),
    S(CHECK, torch.tensor(0, dtype=torch.int32), "linalg.cholesky", is_matrix=True, note="ok"),
    S(CHECK, torch.zeros(2, dtype=torch.int32), "linalg.inv", is_matrix=False, note="batched"),
    S(EIGH, _SYM, compute_v=False, note="values"),
    S(EIGH, _SYM[0], "U", False, note="upper"),
    S(EIGH, _SYM, note="vectors"),
    S(EIGH, f(0, 3, 3), compute_v=False, note="empty"),
    S(EIG, f(3, 3), note="general"),
    S(HH, _H, _TAU, note="tall"),
    S(HH, _H, _TAU[..., :2], note="fewer"),
    S(HH, f(4, 4), torch.zeros(0), note="no-reflector"),
    S(LDLS, _LD, _LDPIV, f(2, 5, 2), note="batched"),
    S(LDLS, _LD[0], _LDPIV[0], f(5, 3), hermitian=True, note="hermitian"),
    S(LDLF, _SYM, note="factor"),
]

_TFJS = {
    LSTSQ: "no least-squares",
    TRS: "no triangular solve kernel", EIGH: "no symmetric eigendecomposition",
    EIG: "complex",
    LDLS: "sytrs walks the Bunch-Kaufman pivots", LDLF: "Bunch-Kaufman pivoting",
}

#: TF.js has no linear algebra kernels; singular vectors' signs differ between LAPACKs; TF's LU
#: is square only and its permutation is not LAPACK's pivots; TF's QR has no Householder output
REFUSED = {("tfjs", s.id): _TFJS[s.key] for s in SAMPLES if s.key in _TFJS} | {
    (t, f"{SVD}-vectors"): "defined only up to sign" for t in ("numpy", "tf")
} | {  # TF.js: the Jacobi SVD expansion (threepio/expansions/svd.py) gives singular values only
    ("tfjs", f"{SVD}-{n}"): "defined only up to sign" for n in ("vectors", "empty", "empty-full")
} | {
    (t, f"{LSTSQ}-gelsy-rank"): "gelsy" for t in ("numpy", "tf")
} | {  # LU expansions (threepio/expansions/lu.py): their runtime guards
    ("tfjs", sid): why for sid, why in {
        f"{SOLVE}-singular": "the matrix is singular",
        f"{SOLVE}-nan": "finite inputs only",
        f"{INV}-singular": "the matrix is singular",
        f"{DET}-singular": "within float32 rounding of zero",
        f"{DET}-nan": "finite inputs only",
        f"{SLOG}-singular": "within float32 rounding of zero",
    }.items()
} | {  # a zero pivot made by cancellation: another order of the sums need not make it zero
    (t, f"{LUF}-rank-deficient"): "within float32 rounding of zero"
    for t in ("numpy", "tf", "tfjs")
} | {
    (t, sid): why for t in ("numpy", "tf") for sid, why in {
        f"{CHEX}-indefinite": "not positive definite by a margin",
        f"{CHS}-zero-diagonal": "zero on its diagonal",
        f"{SOLVE}-singular": "within float32 rounding of zero",
        f"{SOLVE}-nan": "non-finite",
        f"{INV}-singular": "within float32 rounding of zero",
        f"{DET}-nan": "non-finite",
        f"{SLOG}-singular": "within float32 rounding of zero",
        f"{EIGH}-vectors": "defined only up to sign",
        f"{EIG}-general": "Hessenberg QR",
        f"{LDLF}-factor": "Bunch-Kaufman pivoting",
    }.items()
} | {  # TF.js: the Cholesky expansions refuse the same inputs when the plan runs
    ("tfjs", f"{CHEX}-indefinite"): "not positive definite by a margin",
    ("tfjs", f"{CHS}-zero-diagonal"): "zero on its diagonal",
} | {
    ("tf", f"{LDLS}-{n}"): "sytrs walks the Bunch-Kaufman pivots" for n in ("batched", "hermitian")
} | {  # a one-op plan returns every output, LU and pivots too: TF translates the rest only
    ("tf", s.id): "the LU factors and pivots do not" for s in SAMPLES if s.key in (SOLVE, DET, SLOG)
} | {  # ... and NumPy computes them with the LU expansion, whose guards refuse these
    ("numpy", sid): why for sid, why in {
        f"{SOLVE}-singular": "the matrix is singular",
        f"{SOLVE}-nan": "finite inputs only",
        f"{DET}-singular": "within float32 rounding of zero",
        f"{DET}-nan": "finite inputs only",
        f"{SLOG}-singular": "within float32 rounding of zero",
    }.items()
}
