"""Samples for mappings/<target>/unique.yaml: NaN (each its own value), -0.0 and 0.0, ties,
ints, bools, 0-d, empty, dims, and the sizes where PyTorch's unstable sort shows."""

import torch
from op_samples import S, b, f, i

NAN = float("nan")
INF = float("inf")
# 14 elements: PyTorch's std::sort is an insertion sort (stable) up to 16
TRICKY = torch.tensor([[3.0, NAN, -INF, 0.0, -0.0, 3.0, INF],
                       [NAN, -1.5, 3.0, -0.0, 0.0, 1.0, NAN]])
# 40 elements: above 16 the order of NaNs (their inverse) and of -0.0 / 0.0 is std::sort's
BIG = torch.tensor([NAN, 1.0, -0.0, 2.0, 0.0, NAN, 1.0, -2.0] * 5)
RUNS = torch.tensor([NAN, NAN, 1.0, 1.0, -0.0, 0.0, 2.0, NAN, 2.0, 2.0])
ROWS = torch.tensor([[1.0, 2.0, 0.0], [0.0, 3.0, 1.0], [1.0, 2.0, 0.0], [-0.0, 3.0, 1.0],
                     [NAN, 1.0, 1.0], [NAN, 0.0, 2.0]])
INT_ROWS = torch.tensor([[2, -7, 2147483647], [0, 5, 1], [2, -7, 2147483647],
                         [-2147483648, 5, 1], [0, 5, 1]], dtype=torch.int32)
K2, K, KD, KDC, KC = ("aten._unique2.default", "aten._unique.default", "aten.unique_dim.default",
                      "aten.unique_dim_consecutive.default", "aten.unique_consecutive.default")

SAMPLES = [
    S(K2, TRICKY, True, True, True, note="nan-zeros"),
    S(K2, TRICKY, False, True, True, note="unsorted"),           # CPU sorts anyway
    S(K2, BIG, True, False, True, note="big-counts"),
    S(K2, BIG, True, True, True, note="big-inverse"),        # several NaN: refused by a guard
    S(K2, torch.tensor([1.0, -0.0, 2.0, 0.0, 1.0, -2.0] * 3 + [NAN] + [0.0, 2.0, -0.0] * 3),
      True, True, True, note="big-inverse-one-nan"),
    S(K2, i(4, 6, lo=-3, hi=3), True, True, True, note="int64"),
    S(K2, i(30, lo=-3, hi=3), True, True, False, note="int64-big"),
    S(K2, INT_ROWS, True, True, True, note="int32-extremes"),
    S(K2, b(3, 5), True, True, True, note="bool"),
    S(K2, torch.tensor(2.5), True, True, True, note="0d"),
    S(K2, f(0, 3), True, True, True, note="empty"),
    S(K2, f(3, 4), note="values-only"),
    S(K, TRICKY, True, True, note="nan-zeros"),
    S(KD, INT_ROWS, 0, note="int-rows"),
    S(KD, INT_ROWS, 1, True, True, True, note="int-cols"),
    S(KD, b(3, 4, 2), -1, note="bool-3d"),
    S(KD, i(3, 2, 2, lo=0, hi=2), 0, note="int-3d"),
    S(KD, ROWS, 0, True, True, True, note="nan-rows"),
    S(KD, ROWS[:2], 0, note="float-two-rows"),
    S(KD, torch.tensor([[0.0, NAN], [-0.0, NAN]]), 0, note="nan-two-rows"),
    S(KD, f(3, 0, 2), 1, note="empty-dim"),
    S(KD, ROWS.repeat(3, 1), 0, True, True, True, note="nan-rows-18"),   # above 16: introsort
    S(KD, i(20, 2, lo=0, hi=3), 0, note="int-rows-20"),
    S(KC, RUNS, True, True, note="nan-zeros"),
    S(KC, RUNS.reshape(2, 5), True, False, note="2d-flat"),
    S(KC, RUNS, False, False, 0, note="dim0-1d"),
    S(KC, RUNS, False, False, -1, note="dim-neg-1d"),
    S(KC, ROWS, True, True, 0, note="rows"),
    S(KC, INT_ROWS, False, True, 1, note="int-cols"),
    S(KC, b(9), True, True, note="bool"),
    S(KC, torch.tensor(1.5), True, True, note="0d"),
    S(KC, f(0, 2), True, True, note="empty"),
    S(KC, f(0, 2), True, True, 0, note="empty-dim"),
    S(KDC, ROWS, 0, note="rows"),
    S(KDC, RUNS, 0, True, True, note="1d"),
]

_INV = "which NaN gets which inverse index"
REFUSED = {(t, f"{KD}-nan-rows-18"): "not its introsort beyond" for t in ("tf", "tfjs")} | {
    (t, f"{K2}-big-inverse"): _INV for t in ("tf", "tfjs")}
