"""Samples for mappings/<target>/sort.yaml: ties, NaN, infinities, signed zeros, ints, bools."""

import torch
from op_samples import S, b, f, i

NAN = float("nan")
INF = float("inf")
TRICKY = torch.tensor([[3.0, NAN, -INF, 0.0, -0.0, 3.0, INF, NAN, -1.5, 3.0],
                       [1.0, 1.0, 1.0, NAN, 2.0, -2.0, 0.0, 0.0, INF, -INF]])
INT_TIES = torch.tensor([[2, -7, 2, 0, -7, 5, 2, 2147483647, -2147483648, 0]], dtype=torch.int32)


def _stable(*args, note, **kw):
    return S("aten.sort.stable", *args, stable=True, note=note, **kw)


SAMPLES = [
    _stable(TRICKY, note="nan-ties"),
    _stable(TRICKY, descending=True, note="nan-ties-desc"),
    _stable(TRICKY, dim=0, note="dim0"),
    _stable(i(3, 6, lo=-2, hi=3), dim=1, descending=True, note="int64-ties"),
    _stable(INT_TIES, note="int32-extremes"),
    _stable(INT_TIES, descending=True, note="int32-extremes-desc"),
    _stable(b(2, 7), note="bool"),
    _stable(f(2, 3, 5), dim=-2, note="3d"),
    _stable(torch.tensor(2.5), note="0d"),
    _stable(f(0, 4), note="empty"),
    S("aten.sort.default", f(3, 5), 1, note="distinct"),
    S("aten.sort.default", f(3, 5), 0, True, note="distinct-desc-dim0"),
    S("aten.sort.default", TRICKY, 1, note="ties"),
    S("aten.sort.default", torch.tensor([[0.0, -0.0, 1.0]]), note="signed-zero-tie"),
    S("aten.sort.default", torch.tensor([[NAN, 1.0, NAN]]), note="nan-tie"),
    S("aten.sort.default", INT_TIES, note="int-ties"),
    S("aten.sort.default", INT_TIES[:, 1:4], note="int-distinct"),
    S("aten.topk.default", TRICKY, 4, note="values-nan"),
    S("aten.topk.default", f(4, 6), 2, 0, False, note="smallest-dim0"),
    S("aten.topk.default", f(4, 6), 2, 1, True, False, note="unsorted"),
]

#: the indices of an unstable sort, or of topk, are exact only for rows without equal elements
#: (PyTorch leaves the order of ties open): a guard of the translation refuses the others;
#: topk with sorted=False leaves the order of every element open and is refused
REFUSED = {
    (t, f"aten.{op}.default-{n}"): "order of equal elements unspecified"
    for t in ("numpy", "tf", "tfjs")
    for op, n in [("sort", "ties"), ("sort", "signed-zero-tie"), ("sort", "nan-tie"),
                  ("sort", "int-ties"), ("topk", "values-nan")]
} | {(t, "aten.topk.default-unsorted"): "every element, when sorted=False"
     for t in ("numpy", "tf", "tfjs")}
