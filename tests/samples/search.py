"""Samples for mappings/<target>/search.yaml: searchsorted and bucketize with ties, NaN and
infinities on either side, unsorted sequences (PyTorch's search path), sorters, batched
sequences, scalars, out_int32 and empty inputs."""

import torch
from op_samples import S, f, i

NAN = float("nan")
INF = float("inf")
SS = "aten.searchsorted.Tensor"
SC = "aten.searchsorted.Scalar"
BT = "aten.bucketize.Tensor"
BS = "aten.bucketize.Scalar"

SEQ = torch.tensor([-INF, -1.5, 0.0, 0.0, 1.0, 2.5, 2.5, INF])
VALS = torch.tensor([[-INF, -2.0, -1.5, -0.0, 0.0, 0.5], [1.0, 2.5, 3.0, INF, NAN, -1.0]])
NAN_SEQ = torch.tensor([-1.0, 0.0, 1.0, 2.0, NAN, NAN])      # torch.sort puts NaN last
NAN_VALS = torch.tensor([-INF, -1.0, 0.5, 2.0, 3.0, INF, NAN])
UNSORTED = torch.tensor([3.0, NAN, -1.0, 2.0, -INF, 0.0, 5.0, NAN, 1.0])
BATCH = torch.sort(f(3, 7, lo=-3, hi=3), dim=-1).values
BATCH[1, 2] = BATCH[1, 3]                                    # a tie
BATCH[2, -2:] = NAN
BATCH_VALS = torch.cat([f(3, 4, lo=-4, hi=4), BATCH[:, 1:3], torch.full((3, 1), NAN)], 1)
ISEQ = torch.tensor([-7, -2, -2, 0, 3, 3, 3, 9], dtype=torch.int32)
ISEQ64 = torch.tensor([[-5, -1, 0, 0, 4], [1, 2, 3, 4, 5]])
UNS = f(2, 3, 6)
UNS[0, 1, 2] = NAN

SAMPLES = [
    S(SS, SEQ, VALS, note="ties-inf-nan"),
    S(SS, SEQ, VALS, right=True, note="right"),
    S(SS, SEQ, VALS, side="right", note="side-right"),
    S(SS, SEQ, VALS, side="left", out_int32=True, note="side-left-int32"),
    S(SS, NAN_SEQ, NAN_VALS, note="nan-seq"),
    S(SS, NAN_SEQ, NAN_VALS, right=True, note="nan-seq-right"),
    S(SS, UNSORTED, NAN_VALS, note="unsorted"),
    S(SS, UNSORTED, NAN_VALS, right=True, note="unsorted-right"),
    S(SS, UNS, torch.cat([f(2, 3, 5), torch.full((2, 3, 1), NAN)], -1),
      sorter=torch.argsort(UNS, dim=-1), note="sorter-3d"),
    S(SS, UNSORTED, NAN_VALS, sorter=torch.argsort(UNSORTED, stable=True), right=True,
      note="sorter-1d"),
    S(SS, BATCH, BATCH_VALS, note="batched"),
    S(SS, BATCH, BATCH_VALS, right=True, out_int32=True, note="batched-right-int32"),
    S(SS, SEQ, torch.tensor(0.0), note="0d-value"),
    S(SS, ISEQ, torch.tensor([[-8, -7, -2, 1], [3, 4, 9, 10]], dtype=torch.int32),
      note="int32"),
    S(SS, ISEQ, torch.tensor([-2, 3, 9], dtype=torch.int32), right=True, note="int32-right"),
    S(SS, ISEQ64, torch.tensor([[0, -5, 7], [0, 3, 5]]), right=True, note="int64-batched"),
    S(SS, ISEQ, torch.tensor([-2.5, 3.0, 2.9]), note="int-float-promote"),
    S(SS, SEQ, torch.tensor([1.0, 2.5], dtype=torch.float64), note="float64-values"),
    S(SS, torch.zeros(0), f(3, 2), note="empty-seq"),
    S(SS, torch.zeros(2, 0), f(2, 3), note="empty-rows"),
    S(SS, SEQ, torch.zeros(0), note="empty-values"),
    S(SS, torch.zeros(0, 3), torch.zeros(0, 2), note="empty-batch"),
    S(SC, SEQ, 2.5, note="float"),
    S(SC, SEQ, 2.5, right=True, out_int32=True, note="float-right"),
    S(SC, NAN_SEQ, -INF, note="neg-inf-nan-seq"),
    S(SC, NAN_SEQ, NAN, side="right", note="nan"),
    S(SC, ISEQ, 3, note="int"),
    S(SC, ISEQ, 2.5, note="int-seq-float"),
    S(SC, ISEQ, 2**32 + 3, right=True, note="int-wraps"),
    S(SC, torch.tensor([-100, -3, 0, 5, 90], dtype=torch.int8), 200, note="int8-wraps"),
    S(SC, torch.tensor([-100, -3, 0, 5, 90], dtype=torch.int8), 60, note="int8-fits"),
    S(BT, VALS, SEQ, note="ties-inf-nan"),
    S(BT, VALS, SEQ, right=True, out_int32=True, note="right-int32"),
    S(BT, f(2, 3, 4), torch.tensor([-1.0, 0.0, 1.0]), note="3d"),
    S(BT, NAN_VALS, NAN_SEQ, note="nan-boundaries"),
    S(BT, i(4, 5), torch.tensor([-3, 0, 0, 2]), right=True, note="int64"),
    S(BT, torch.tensor(1.0), SEQ, note="0d"),
    S(BT, f(3, 0), SEQ, note="empty"),
    S(BS, 0.0, SEQ, note="float"),
    S(BS, 3, ISEQ, right=True, note="int"),
]

#: TF.js compares 32-bit ints; PyTorch wraps an out-of-range scalar in the sequence's own dtype,
#: which TF.js cannot tell from an int64 one
REFUSED = {("tfjs", f"{SC}-int-wraps"): "does not fit int32",
           ("tfjs", f"{SC}-int8-wraps"): "does not fit the sequence's integer dtype",
           # TF.js has no float64: a float32 rounding can move a value across a boundary
           ("tfjs", f"{SS}-float64-values"): "float32 rounding can change the result"}
