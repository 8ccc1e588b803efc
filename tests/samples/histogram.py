"""Samples for mappings/<target>/histogram.yaml: histc, histogram and histogramdd with points on
and one float32 step either side of every bin edge (where PyTorch's division and its local
search over linspace edges decide), NaN and infinities, weights, density, explicit and empty
ranges, unsorted and NaN edge tensors, and empty inputs."""

import torch
from op_samples import S, f

NAN = float("nan")
INF = float("inf")
HC = "aten.histc.default"
HB = "aten.histogram.bin_ct"
HT = "aten.histogram.bins_tensor"
DE = "aten._histogramdd_bin_edges.default"
DC = "aten._histogramdd_from_bin_cts.default"
DT = "aten._histogramdd_from_bin_tensors.default"


def _around(edges):
    """Every edge and its float32 neighbours."""
    e = edges.to(torch.float32)
    return torch.cat([e, torch.nextafter(e, torch.tensor(INF)),
                      torch.nextafter(e, torch.tensor(-INF))])


def _edge_points(lo, hi, bins, extra=()):
    """Points whose min and max are lo and hi, on and around each of linspace's edges (the
    edges PyTorch computes from that range), shuffled."""
    e = torch.linspace(lo, hi, bins + 1)
    x = torch.cat([e[:1], e[-1:], _around(e[1:-1]), torch.tensor(list(extra))])
    x = x[(x >= lo) & (x <= hi) | x.isnan() | x.isinf()]
    g = torch.Generator().manual_seed(bins)
    return x[torch.randperm(x.numel(), generator=g)]


EDGY = _edge_points(-3.3, 7.1, 7)                  # data-derived range [-3.3, 7.1]
EDGY_ODD = _edge_points(0.1, 0.7, 10)
EDGY_BIG = _edge_points(-1234.5, 98765.4, 31)
HISTC_EDGY = torch.cat([_around(torch.linspace(-2.5, 3.7, 13)), torch.tensor([NAN, INF, -INF])])
RNG_EDGY = torch.cat([_around(torch.linspace(-1.0, 2.0, 6)), torch.tensor([NAN, -INF, 5.0])])
PTS = torch.stack([f(40), f(40, lo=-5, hi=3), f(40, lo=0, hi=1)], 1)
PTSX = PTS.clone()                                 # NaN and inf: a given range or edges only
PTSX[3] = torch.tensor([NAN, 0.0, 0.5])
PTSX[7, 1] = INF
_ODD = torch.linspace(0.1, 0.7, 11)
PTS2 = torch.stack([EDGY, torch.cat([_ODD[[0, -1]], _around(_ODD[1:-1])[:18]])], 1)
W40 = f(40, lo=-1, hi=3)
UNSORTED = torch.tensor([0.5, -1.0, 2.0, 1.0, 3.0])
NAN_EDGES = torch.tensor([-1.0, 0.0, NAN, 2.0])

SAMPLES = [
    S(HC, f(20), note="default-bins-data-range"),
    S(HC, HISTC_EDGY, 12, -2.5, 3.7, note="edges-nan-inf"),
    S(HC, EDGY, 7, note="data-range-edges"),
    S(HC, EDGY_BIG, 31, note="data-range-31"),
    S(HC, f(3, 4, 5), 10, -1.0, 1.0, note="3d"),
    S(HC, torch.full((6,), 2.5), 4, note="constant-widened"),
    S(HC, torch.full((6,), 2.5), 4, 2.5, 2.5, note="min-eq-max-data"),
    S(HC, torch.tensor(0.25), 3, note="0d"),
    S(HC, torch.zeros(0), 5, note="empty"),
    S(HC, torch.zeros(2, 0), 3, 1.0, 1.0, note="empty-min-eq-max"),
    S(HC, torch.tensor([1.0, 2.0, 3.0, 4.0]), 1, 1.0, 4.0, note="one-bin"),
    S(HC, torch.tensor([-1e-30, 0.0, 3e-31, 1e-30]), 3, -1e-30, 1e-30, note="tiny-range"),
    S(HC, f(5).double(), 4, note="float64"),
    S(HB, EDGY, 7, note="edges"),
    S(HB, EDGY_ODD, 10, note="edges-odd"),
    S(HB, EDGY_BIG, 31, note="edges-31"),
    S(HB, EDGY, 7, weight=f(EDGY.numel()), density=True, note="weight-density"),
    S(HB, RNG_EDGY, 5, range=[-1.0, 2.0], note="range-nan-inf"),
    S(HB, RNG_EDGY, 5, range=[-1.0, 2.0], density=True, note="range-density"),
    S(HB, f(3, 4), 3, range=[0.5, 0.5], note="empty-range-widened"),
    S(HB, torch.full((5,), 3.0), 2, note="constant-widened"),
    S(HB, torch.zeros(0), 4, note="empty"),
    S(HB, torch.zeros(0), 4, density=True, note="empty-density"),
    S(HB, torch.tensor(1.5), 2, note="0d"),
    S(HB, f(6).double(), 3, note="float64"),
    S(HT, EDGY, torch.linspace(-3.3, 7.1, 8), note="linspace-edges"),
    S(HT, RNG_EDGY, torch.tensor([-1.0, 0.0, 0.0, 1.5, 2.0]), note="tied-edges"),
    S(HT, f(30), UNSORTED, note="unsorted"),
    S(HT, f(30), NAN_EDGES, note="nan-edge"),
    S(HT, f(30), torch.tensor([-1.0, 0.5, 1.0]), weight=f(30), density=True,
      note="weight-density"),
    S(HT, torch.zeros(0, 3), torch.tensor([0.0, 1.0, 2.0]), density=True, note="empty"),
    S(DE, PTS, [2, 3, 4], note="3d"),
    S(DE, PTS2, [7, 10], note="edges"),
    S(DE, PTSX, [1, 2, 3], range=[-1.0, 1.0, 0.0, 0.0, 0.25, 0.75], note="range"),
    S(DE, torch.zeros(0, 2), [2, 3], note="empty"),
    S(DC, PTS, [2, 3, 4], note="3d"),
    S(DC, PTS2, [7, 10], note="edges"),
    S(DC, PTS, [2, 3, 4], weight=W40, density=True, note="weight-density"),
    S(DC, PTSX, [1, 2, 3], range=[-1.0, 1.0, 0.0, 0.0, 0.25, 0.75], weight=W40,
      note="range-weight"),
    S(DC, PTS.reshape(4, 10, 3), [3, 1, 2], note="batched"),
    S(DC, PTS[:, 1:2], [5], weight=W40, density=True, note="1d"),
    S(DC, torch.zeros(0, 2), [2, 3], density=True, note="empty"),
    S(DT, PTSX, [torch.tensor([-2.0, 0.0, 2.0]), UNSORTED, torch.tensor([0.0, 0.5, 0.5, 1.0])],
      note="3d"),
    S(DT, PTSX, [torch.tensor([-2.0, 0.0, 2.0]), NAN_EDGES, torch.tensor([0.0, 1.0])],
      weight=W40, density=True, note="weight-density"),
    S(DT, PTS2, [torch.linspace(-3.3, 7.1, 8), torch.linspace(0.1, 0.7, 11)], note="edges"),
]

#: TF and TF.js map float32 only (PyTorch's float64 edges use a float64 fused multiply-add)
REFUSED = {(t, f"{k}-float64"): "mapped for float32" for t in ("tf", "tfjs") for k in (HC, HB)}
