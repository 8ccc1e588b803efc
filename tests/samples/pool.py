"""Samples of mappings/<target>/pool.yaml: adaptive and fractional max pooling, bicubic and
trilinear resizing, unfold."""

import torch
from op_samples import S, b, f, i

NAN, INF = float("nan"), float("inf")
AMP2 = "aten.adaptive_max_pool2d.default"
AMP3 = "aten.adaptive_max_pool3d.default"
FMP2 = "aten.fractional_max_pool2d.default"
FMP3 = "aten.fractional_max_pool3d.default"
BIC = "aten.upsample_bicubic2d.default"
TRI = "aten.upsample_trilinear3d.default"
UNF = "aten.unfold.default"

#: NaN (twice in a window: the last wins), ties, -inf-only windows
_NAN4 = torch.tensor([[[[1.0, NAN, 3.0, NAN, 0.5], [2.0, 5.0, 5.0, -INF, 5.0],
                        [-INF, -INF, 0.0, 0.0, 1.0], [-INF, -INF, 0.0, NAN, 1.0]]]])
_TIES = torch.relu(f(2, 3, 7, 6))
_U = torch.Generator().manual_seed(7)


def _samples(*shape, dtype=torch.float32):
    return torch.rand(shape, generator=_U, dtype=dtype)


SAMPLES = [
    # adaptive max pooling: overlapping unequal windows, NaN, ties, -inf, unbatched, 1x1
    S(AMP2, f(2, 3, 7, 9), [3, 4]),
    S(AMP2, _NAN4, [2, 3], note="nan-inf"),
    S(AMP2, _TIES, [4, 5], note="ties"),
    S(AMP2, f(3, 5, 5), [5, 5], note="3d-identity"),
    S(AMP2, f(2, 2, 6, 4), [1, 1], note="global"),
    S(AMP2, f(2, 2, 3, 3), [5, 4], note="up"),
    S(AMP2, f(2, 2, 6, 4).double(), [4, 3], note="float64"),
    S(AMP3, f(2, 2, 5, 6, 7), [3, 2, 4]),
    S(AMP3, torch.relu(f(2, 4, 4, 5)), [3, 3, 2], note="4d-ties"),
    S(AMP3, torch.where(torch.rand(1, 2, 4, 4, 4, generator=_U) > 0.8, NAN,
                        f(1, 2, 4, 4, 4)), [2, 3, 2], note="nan"),
    # fractional max pooling: the random samples are an input
    S(FMP2, f(2, 3, 10, 12), [2, 2], [4, 5], _samples(2, 3, 2)),
    S(FMP2, _TIES, [3, 2], [3, 4], _samples(2, 3, 2), note="ties"),
    S(FMP2, f(3, 9, 8), [2, 3], [5, 3], _samples(1, 3, 2), note="3d"),
    S(FMP2, f(2, 2, 7, 7), [2, 2], [6, 6], _samples(4, 2, 2), note="more-samples"),
    S(FMP2, f(1, 2, 5, 6), [2, 2], [1, 1], _samples(1, 2, 2), note="1x1"),
    S(FMP2, torch.where(torch.rand(2, 2, 8, 8, generator=_U) > 0.8, NAN, f(2, 2, 8, 8)),
      [2, 2], [4, 5], _samples(2, 2, 2), note="nan"),
    S(FMP2, f(2, 2, 9, 7).double(), [2, 2], [5, 4], _samples(2, 2, 2, dtype=torch.float64),
      note="float64"),
    S(FMP3, f(2, 2, 7, 8, 9), [2, 2, 2], [4, 5, 3], _samples(2, 2, 3)),
    S(FMP3, torch.relu(f(3, 6, 6, 7)), [2, 3, 2], [3, 3, 4], _samples(1, 3, 3),
      note="4d-ties"),
    S(FMP3, f(0, 1, 4, 5, 4), [2, 2, 1], [2, 3, 2], _samples(0, 1, 3), note="empty-batch"),
    # bicubic: up and down, align_corners, scales that do not give the size, NaN / inf
    S(BIC, f(2, 3, 5, 4), [8, 7], False),
    S(BIC, f(2, 3, 5, 4), [8, 7], True, note="align"),
    S(BIC, f(1, 2, 9, 8), [4, 3], False, note="down"),
    S(BIC, f(1, 2, 4, 5), [9, 11], False, 2.3, 2.2, note="scales"),
    S(BIC, f(1, 2, 4, 5), [1, 1], True, note="align-1"),
    S(BIC, torch.tensor([[[[1.0, NAN, 2.0, 0.0], [0.5, 1.0, INF, 3.0], [1.0, 2.0, 3.0, 4.0],
                           [0.0, 0.0, 0.0, 0.0]]]]), [4, 6], False, note="nan-inf"),
    S(BIC, f(1, 2, 4, 5).double(), [7, 3], False, note="float64"),
    S("aten.upsample_bicubic2d.vec", f(2, 2, 5, 4), None, False, [1.7, 2.5], note="scales"),
    S("aten.upsample_bicubic2d.vec", f(2, 2, 5, 4), [6, 6], True, None, note="size"),
    # trilinear: up, down, same size (weights 1, 0: inf * 0 is NaN, as in PyTorch), scales
    S(TRI, f(2, 2, 3, 4, 5), [5, 6, 7], False),
    S(TRI, f(2, 2, 3, 4, 5), [5, 6, 7], True, note="align"),
    S(TRI, f(1, 2, 6, 7, 8), [3, 4, 5], False, note="down"),
    S(TRI, f(1, 1, 2, 3, 4), [5, 6, 9], False, 2.6, 2.1, 2.4, note="scales"),
    S(TRI, torch.tensor([[[[[INF, 1.0], [2.0, NAN]], [[4.0, 5.0], [6.0, 7.0]]]]]), [2, 2, 3],
      False, note="same-size-inf"),
    S("aten.upsample_trilinear3d.vec", f(1, 2, 3, 3, 4), None, True, [2.0, 1.5, 0.5],
      note="scales"),
    S("aten.upsample_trilinear3d.vec", f(1, 2, 3, 3, 4), [4, 4, 4], False, None,
      note="size"),
    # unfold: every dim, overlapping / gapped windows, 0-d, empty, ints and bools
    S(UNF, f(4, 7, 3), 1, 3, 2),
    S(UNF, f(4, 7, 3), -1, 2, 1, note="last"),
    S(UNF, f(6, 2), 0, 2, 3, note="gaps"),
    S(UNF, i(9), 0, 4, 4, note="int64"),
    S(UNF, b(3, 5), 1, 5, 1, note="bool-whole"),
    S(UNF, torch.tensor(2.5), 0, 1, 1, note="0d"),
    S(UNF, f(3, 4), 1, 0, 1, note="size0"),
    S(UNF, i(2, 0, 3, dtype=torch.int32), 2, 2, 1, note="empty"),
]

REFUSED = {
    # an int64 output computed from a float64 input TF.js narrows to float32
    ("tfjs", "aten.adaptive_max_pool2d.default-float64"): "float64",
    ("tfjs", "aten.fractional_max_pool2d.default-float64"): "float64",
}
