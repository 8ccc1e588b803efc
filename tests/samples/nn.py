"""Samples of mappings/<target>/nn.yaml: normalization, average pooling, resizing, embedding."""

import torch
from op_samples import S, f, i, pos

X4 = f(2, 3, 5, 5)
C3 = f(3)
BN = "aten.native_batch_norm.default"
LN = "aten.native_layer_norm.default"
GN = "aten.native_group_norm.default"

_ln = torch.ops.aten.native_layer_norm(X4, [5, 5], f(5, 5), f(5, 5), 1e-5)
_GX = f(2, 6, 4, 4)
_gn = torch.ops.aten.native_group_norm(_GX, f(6), f(6), 2, 6, 16, 3, 1e-5)
_IDX = torch.tensor([[1, 0, 3], [3, 3, 2]])

SAMPLES = [
    # batch norm: training (batch statistics) and eval (running statistics)
    S(BN, X4, pos(3), C3, C3, pos(3), True, 0.1, 1e-5, note="train"),
    S(BN, X4, pos(3), C3, C3, pos(3), False, 0.1, 1e-5, note="eval"),
    S(BN, f(4, 3), None, None, None, None, True, 0.1, 1e-3, note="2d-nostats"),
    S(BN, f(2, 3, 4, 2, 2), pos(3), None, C3, pos(3), False, 0.1, 1e-5, note="5d-eval"),
    S("aten._native_batch_norm_legit.default", X4, pos(3), C3, C3, pos(3), True, 0.1, 1e-5),
    S("aten._native_batch_norm_legit.default", X4, pos(3), C3, C3, pos(3), False, 0.1, 1e-5,
      note="eval"),
    S("aten._native_batch_norm_legit.no_stats", X4, pos(3), C3, True, 0.1, 1e-5),
    S("aten._native_batch_norm_legit_no_training.default", f(2, 3, 7), pos(3), C3, C3, pos(3),
      0.1, 1e-5),
    # layer norm and group norm, and their backward passes
    S(LN, X4, [5, 5], f(5, 5), f(5, 5), 1e-5),
    S(LN, f(4, 6) * 100, [6], None, None, 1e-5, note="noaffine-large"),
    S("aten.native_layer_norm_backward.default", f(2, 3, 5, 5), X4, [5, 5], _ln[1], _ln[2],
      f(5, 5), f(5, 5), [True, True, True]),
    S("aten.native_layer_norm_backward.default", f(2, 3, 5, 5), X4, [5, 5], _ln[1], _ln[2],
      None, None, [True, False, False], note="input-only"),
    S(GN, _GX, f(6), f(6), 2, 6, 16, 3, 1e-5),
    S(GN, f(3, 4, 5), None, None, 3, 4, 5, 1, 1e-5, note="1group-noaffine"),
    S("aten.native_group_norm_backward.default", f(2, 6, 4, 4), _GX, _gn[1], _gn[2], f(6),
      2, 6, 16, 3, [True, True, True]),
    # average pooling
    S("aten.avg_pool2d.default", X4, [2, 2]),
    S("aten.avg_pool2d.default", f(2, 3, 7, 6), [3, 2], [2, 1], [1, 1], note="pad"),
    S("aten.avg_pool2d.default", f(2, 3, 7, 6), [3, 3], [2, 2], [1, 1], False, False,
      note="exclude-pad"),
    S("aten.avg_pool2d.default", f(2, 3, 8, 8), [3, 3], [2, 2], [1, 1], True, True,
      note="ceil"),
    S("aten.avg_pool2d.default", f(2, 3, 8, 8), [3, 3], [2, 2], [1, 1], True, False,
      note="ceil-exclude"),
    S("aten.avg_pool2d.default", f(3, 6, 6), [2, 3], [2, 2], [0, 1], False, True, 5,
      note="3d-divisor"),
    S("aten.avg_pool2d_backward.default", f(2, 3, 4, 4), f(2, 3, 7, 6), [3, 2], [2, 2],
      [1, 1], False, True, None),
    S("aten.avg_pool2d_backward.default", f(2, 3, 5, 5), f(2, 3, 8, 8), [3, 3], [2, 2],
      [1, 1], True, False, None, note="ceil-exclude"),
    S("aten.avg_pool2d_backward.default", f(1, 2, 3, 3), f(1, 2, 6, 6), [2, 2], [2, 2],
      [0, 0], False, True, 3, note="divisor"),
    S("aten.avg_pool1d.default", f(2, 3, 9), [3], [2], [1], False, False),
    S("aten.avg_pool1d.default", f(3, 8), [2], note="2d"),
    S("aten.avg_pool2d.default", i(2, 2, 7, 7, lo=-50, hi=50), [3, 3], [2, 2], [1, 1],
      True, False, note="int64-ceil-exclude"),
    S("aten.avg_pool2d.default", i(1, 2, 4, 4), [2, 2], [], [0], False, True, -2,
      note="int64-negative-divisor"),
    S("aten.avg_pool2d.default", f(1, 2, 4, 4), [2, 2], [], [0], False, True, -3,
      note="negative-divisor"),
    S("aten.avg_pool3d.default", f(2, 2, 5, 4, 4), [2, 2, 2], [2, 2, 2], [1, 0, 1], True,
      False),
    S("aten.avg_pool3d.default", f(2, 4, 4, 4), [2], note="4d"),
    S("aten.avg_pool3d.default", i(1, 2, 5, 4, 5, lo=-40, hi=40), [2, 3, 2], [2, 2, 2],
      [1, 1, 1], True, False, -3, note="int64-ceil-divisor"),
    S("aten._adaptive_avg_pool2d.default", f(2, 3, 6, 4), [3, 2]),
    S("aten._adaptive_avg_pool2d.default", f(2, 3, 5, 5), [1, 1], note="global"),
    S("aten._adaptive_avg_pool2d.default", f(2, 3, 5, 7), [3, 4], note="uneven"),
    S("aten._adaptive_avg_pool2d_backward.default", f(2, 3, 3, 2), f(2, 3, 6, 4)),
    S("aten._adaptive_avg_pool2d_backward.default", f(2, 3, 3, 4), f(2, 3, 5, 7),
      note="uneven"),
    S("aten._adaptive_avg_pool2d.default",
      torch.tensor([[[1.0, float("inf"), 2.0, 3.0, float("nan")]] * 3]), [2, 3],
      note="uneven-inf-nan"),
    S("aten._adaptive_avg_pool3d.default", f(2, 2, 4, 4, 6), [2, 1, 3]),
    S("aten._adaptive_avg_pool3d.default", f(2, 4, 3, 3), [1, 1, 1], note="global"),
    S("aten._adaptive_avg_pool3d.default", f(2, 2, 5, 4, 7), [3, 3, 2], note="uneven"),
    S("aten.adaptive_avg_pool1d.default", f(2, 3, 8), [4]),
    S("aten.adaptive_avg_pool1d.default", f(3, 7), [3], note="2d-uneven"),
    S("aten.max_pool3d_with_indices.default", f(2, 2, 5, 4, 4), [2, 2, 2], [2, 1, 2],
      [1, 0, 1]),
    S("aten.max_pool3d_with_indices.default", torch.relu(f(3, 5, 5, 5)), [3, 3, 3], [2, 2, 2],
      [1, 1, 1], [1, 1, 1], True, note="ceil-ties"),
    S("aten.max_pool3d_with_indices.default",
      torch.tensor([[[[1.0, float("nan")], [float("nan"), 2.0]], [[3.0, -float("inf")],
                                                                  [0.0, 4.0]]]]),
      [2, 2, 2], note="nan"),
    S("aten.max_pool3d_with_indices.default", torch.relu(f(2, 2, 4, 6, 4)), [2, 3, 2], [2, 3, 2],
      note="nonoverlap-ties"),
    S("aten.max_pool3d_with_indices.default", torch.relu(f(2, 5, 4, 6)), [2, 2, 3], [1, 2, 1],
      [1, 0, 1], [2, 1, 1], True, note="4d-dilation-ceil"),
    S("aten.max_pool3d_with_indices.default", torch.randint(-3, 3, (1, 2, 4, 5, 4)), [2, 2, 2],
      [1, 2, 1], [1, 1, 0], [1, 2, 1], True, note="int64-dilation"),
    S("aten.max_pool3d_with_indices.default",
      torch.tensor([[[[1.0, float("nan")], [float("nan"), 2.0]], [[-float("inf")] * 2] * 2],
                    [[[-float("inf")] * 2] * 2, [[0.5, 3.0], [3.0, 1.0]]]]),
      [1, 2, 2], note="nonoverlap-nan-inf"),
    # resizing
    S("aten.upsample_nearest2d.vec", X4, [10, 7], None),
    S("aten.upsample_nearest2d.vec", X4, None, [2.0, 1.5], note="scale"),
    S("aten.upsample_nearest2d.vec", f(1, 2, 6, 6), [4, 4], None, note="down"),
    S("aten.upsample_bilinear2d.vec", X4, [10, 7], False, None),
    S("aten.upsample_bilinear2d.vec", X4, [10, 7], True, None, note="align"),
    S("aten.upsample_bilinear2d.vec", f(1, 2, 6, 6), [4, 3], False, None, note="down"),
    S("aten.upsample_bilinear2d.vec", X4, None, False, [2.0, 2.0], note="scale"),
    S("aten.upsample_bilinear2d.default", X4, [10, 7], False),
    S("aten.upsample_bilinear2d.default", X4, [10, 10], False, 2.0, 2.0, note="scales"),
    S("aten.upsample_bilinear2d.default", X4, [8, 8], True, 1.7, 1.7, note="align-scales"),
    S("aten.upsample_bilinear2d.default", X4, [8, 8], False, 1.7, 1.7, note="inexact-scales"),
    # embedding
    S("aten.embedding.default", f(5, 4), _IDX),
    S("aten.embedding.default", f(5, 4), torch.tensor(2), note="0d"),
    S("aten.embedding_dense_backward.default", f(2, 3, 4), _IDX, 5, -1, False),
    S("aten.embedding_dense_backward.default", f(2, 3, 4), _IDX, 5, 3, True,
      note="pad-freq"),
]

REFUSED = {
    ("tfjs", "aten.avg_pool3d.default-int64-ceil-divisor"): "float32 only",
    ("tfjs", "aten.avg_pool2d.default-int64-ceil-exclude"): "float32 only",
    ("tfjs", "aten.avg_pool2d.default-int64-negative-divisor"): "float32 only",
    ("tfjs", "aten.upsample_bilinear2d.default-inexact-scales"): "scale factor",
    ("tf", "aten.upsample_bilinear2d.default-inexact-scales"): "scale factor",
}


# grouped and depthwise convolution (TF.js: tf.depthwiseConv2d)
_CONV = "aten.convolution.default"
SAMPLES += [
    S(_CONV, f(2, 4, 7, 7), f(8, 1, 3, 3), f(8), [1, 1], [1, 1], [1, 1], False, [0, 0], 4,
      note="depthwise-mult2"),
    S(_CONV, f(2, 6, 8, 8), f(6, 1, 3, 3), None, [2, 2], [1, 1], [1, 1], False, [0, 0], 6,
      note="depthwise-stride"),
    S(_CONV, f(2, 6, 8, 8), f(4, 3, 3, 3), f(4), [1, 1], [2, 2], [2, 2], False, [0, 0], 2,
      note="groups-dilated"),
    S(_CONV, f(2, 6, 9, 9), f(9, 2, 3, 2), None, [2, 1], [0, 1], [1, 1], False, [0, 0], 3,
      note="groups-stride"),
]

# strided and dilated at once; grouped convolution backward (TF.js)
_CB = "aten.convolution_backward.default"
_GI = f(2, 6, 8, 8)
SAMPLES += [
    S(_CONV, f(2, 4, 9, 9), f(2, 2, 3, 3), f(2), [3, 2], [2, 1], [2, 3], False, [0, 0], 2,
      note="stride-dilation-groups"),
    S(_CONV, f(1, 4, 9, 9), f(3, 4, 2, 3), f(3), [2, 2], [1, 1], [2, 3], False, [0, 0], 1,
      note="stride-dilation"),
    S(_CB, f(2, 6, 8, 8), _GI, f(6, 1, 3, 3), [6], [1, 1], [1, 1], [1, 1], False, [0, 0], 6,
      [True, True, True], note="depthwise"),
    S(_CB, f(2, 12, 4, 4), _GI, f(12, 1, 3, 3), [12], [2, 2], [1, 1], [1, 1], False, [0, 0], 6,
      [True, True, False], note="depthwise-mult2-stride"),
    S(_CB, f(2, 4, 2, 5), _GI, f(4, 3, 3, 2), None, [3, 2], [0, 1], [1, 1], False, [0, 0], 2,
      [True, True, False], note="groups-stride-crop"),
    S(_CB, f(2, 9, 8, 8), f(2, 6, 8, 8), f(9, 2, 1, 1), None, [1, 1], [0, 0], [1, 1], False,
      [0, 0], 3, [True, False, False], note="groups-input-only"),
]

# 1-D convolution (TF.js: a 2-D one of height 1)
_X1 = f(2, 4, 11)
SAMPLES += [
    S(_CONV, _X1, f(6, 2, 3), f(6), [2], [1], [1], False, [0], 2, note="1d-groups"),
    S(_CONV, _X1, f(3, 4, 2), None, [3], [0], [2], False, [0], 1, note="1d-stride-dilation"),
    S(_CB, f(2, 6, 6), _X1, f(6, 2, 3), [6], [2], [1], [1], False, [0], 2,
      [True, True, True], note="1d-groups"),
    S(_CB, f(2, 3, 10), _X1, f(3, 4, 2), None, [1], [0], [1], False, [0], 1,
      [True, True, False], note="1d"),
]

# addmm with alpha/beta scaling (the chunked F.linear_cross_entropy backward uses alpha=-1);
# beta=0 ignores self, even NaN
_NANB = f(3, 5)
_NANB[0, 1] = float("nan")
SAMPLES += [
    S("aten.addmm.default", f(3, 5), f(3, 4), f(4, 5), alpha=-1, note="alpha-neg"),
    S("aten.addmm.default", f(5), f(3, 4), f(4, 5), beta=0.5, alpha=2.0, note="alpha-beta"),
    S("aten.addmm.default", _NANB, f(3, 4), f(4, 5), beta=0, note="beta0-nan"),
]

# 3-D convolution with 1-element int lists (padding='valid' traces padding=[0], output_padding=[0])
SAMPLES += [
    S(_CONV, f(1, 1, 1, 1, 10), f(1, 1, 1, 1, 4), None, [1, 1, 1], [0], [1, 1, 1], False, [0], 1,
      note="3d-pad1"),
    S(_CONV, f(1, 2, 5, 6, 7), f(3, 2, 2, 3, 2), f(3), [2], [1], [1], False, [0], 1,
      note="3d-stride1-pad1"),
]

# 3-D transposed convolution (weight: in, out, kd, kh, kw); output_padding beyond the padding
# widens the result past the full size; TF's kernel meets inserted zeros with the filter
_T5 = f(2, 3, 3, 4, 2)
_WINF = f(3, 2, 2, 3, 2)
_WINF[1, 0, 1, 2, 0] = float("inf")
_WINF[0, 1, 0, 0, 1] = float("-inf")
SAMPLES += [
    S(_CONV, _T5, f(3, 2, 2, 3, 2), f(2), [2, 2, 2], [1, 1, 1], [1, 1, 1], True, [1, 1, 1], 1,
      note="3d-transposed-stride-pad-outpad"),
    S(_CONV, _T5, f(3, 2, 2, 2, 2), None, [1], [0], [1], True, [0], 1,
      note="3d-transposed-lists1"),
    S(_CONV, _T5, f(3, 4, 3, 1, 2), f(4), [3, 2, 1], [0, 1, 0], [1, 1, 1], True, [2, 0, 0], 1,
      note="3d-transposed-outpad-wide"),
    S(_CONV, _T5, _WINF, None, [2, 1, 1], [0, 0, 0], [1, 1, 1], True, [0, 0, 0], 1,
      note="3d-transposed-infw"),
    S(_CONV, _T5, f(3, 2, 2, 2, 2), None, [1, 1, 1], [0, 0, 0], [2, 2, 2], True, [0, 0, 0], 1,
      note="3d-transposed-dilation"),
]
REFUSED.update({
    ("tf", "aten.convolution.default-3d-transposed-infw"): "inf or NaN weight",
    ("tfjs", "aten.convolution.default-3d-transposed-infw"): "inf or NaN weight",
})

# out-of-range indices (PyTorch raises, or its kernel reads or writes outside the tensor): every
# target refuses them by a guard (Oob: PyTorch sees in-range values, the plan the others)
from op_samples import OOB, Oob, fd  # noqa: E402

_OOB = [
    S("aten.embedding.default", fd(5, 4), Oob(_IDX, [[1, 0, 3], [3, 5, 2]]), note="oob"),
    S("aten.embedding.default", fd(5, 4), Oob(_IDX, [[1, 0, 3], [3, -1, 2]]), note="oob-neg"),
    S("aten.embedding_dense_backward.default", fd(2, 3, 4),
      Oob(_IDX, [[1, 0, 5], [3, 3, 2]]), 5, -1, False, note="oob"),
    S("aten.embedding_dense_backward.default", fd(2, 3, 4),
      Oob(_IDX, [[1, 0, 3], [-1, 3, 2]]), 5, 3, True, note="oob-neg"),
]
SAMPLES += _OOB
REFUSED.update({(t, s.id): OOB for t in ("numpy", "tf", "tfjs") for s in _OOB})
