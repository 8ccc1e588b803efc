"""Samples for mappings/<target>/tensor.yaml: shape, creation, indexing and reduction ops."""

import torch
from op_samples import S, b, f, i

NAN = torch.tensor([[1.0, float("nan"), 3.0], [float("nan"), -1.0, 2.0], [0.5, 0.5, -2.0]])
TIES = torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0], [0.0, 0.0, 0.0]])
IDX = torch.tensor([0, 2, -1, 1])


def I32(*shape):  # int32: TF.js computes it as is (int64 results need a proven range there)
    return i(*shape, dtype=torch.int32)


SAMPLES = [
    # creation
    S("aten.arange.start_step", 0, 10, 1, dtype=torch.int64),
    S("aten.arange.start_step", -3, 7, 2, dtype=torch.int32, note="int-step"),
    S("aten.arange.start_step", 0.5, 4.0, 0.3, dtype=torch.float32, note="float"),
    S("aten.arange.start_step", 10, 0, -3, dtype=torch.int64, note="negative-step"),
    S("aten.arange.start_step", 1.5, 5, 1, dtype=torch.int64, note="float-start-int"),
    S("aten.arange.start_step", 0, 0, 1, dtype=torch.float32, note="empty"),
    S("aten.empty.memory_format", [0, 3], dtype=torch.float32),
    S("aten.empty_strided.default", [2, 0], [1, 1], dtype=torch.int64),
    # random: shapes with no elements or deterministic parameters (values are another draw)
    S("aten.rand.default", [0, 3], dtype=torch.float32),
    S("aten.randn.default", [2, 0], dtype=torch.float32),
    S("aten.randperm.default", 1, dtype=torch.int64),
    S("aten.randperm.default", 0, dtype=torch.int64, note="empty"),
    S("aten.native_dropout.default", f(3, 4), 0.5, False),
    S("aten.native_dropout.default", f(3, 4), 0.0, True, note="p0"),
    # scalars read from tensors: refused
    S("aten._local_scalar_dense.default", f()),
    S("aten.sym_size.int", f(3, 4), 1),
    S("aten.sym_numel.default", f(3, 4)),
    S("aten.sym_stride.int", f(3, 4), 0),
    S("aten.sym_storage_offset.default", f(3, 4)),
    S("aten.sym_is_contiguous.default", f(3, 4)),
    S("aten.new_empty_strided.default", f(2), [0, 3], [3, 1]),
    S("aten.view_copy.default", f(3, 4), [2, 6]),
    S("aten.view_copy.default", i(2, 3), [-1], note="int"),
    S("aten.resize_.default", f(3, 4), [2, 6]),
    S("aten.as_strided.default", f(3, 4), [2, 2], [1, 2]),
    S("aten.nonzero.default", torch.tensor([[0.0, 1.5, 0.0], [float("nan"), 0.0, -2.0]])),
    S("aten.nonzero.default", i(2, 3, 2, lo=0, hi=2), note="int"),
    S("aten.nonzero.default", torch.tensor(2.5), note="0d"),
    # shape
    S("aten.flip.default", f(2, 3, 4), [0, -1]),
    S("aten.flip.default", b(3, 2), [1], note="bool"),
    S("aten.flip.default", f(), [], note="0d"),
    S("aten.repeat.default", f(2, 3), [2, 1, 3]),
    S("aten.repeat.default", i(3), [2], note="int"),
    S("aten.repeat.default", b(2, 2), [1, 0], note="bool-zero"),
    S("aten.diagonal.default", f(3, 4)),
    S("aten.diagonal.default", f(2, 3, 4, 5), 1, -1, 1, note="offset"),
    S("aten.diagonal.default", i(4, 3), -2, note="negative-offset"),
    S("aten.diagonal.default", f(2, 3), 5, note="empty"),
    S("aten.split_with_sizes.default", f(5, 4), [2, 0, 3]),
    S("aten.split_with_sizes.default", i(3, 6), [1, 5], -1, note="int-last"),
    # padding
    S("aten.constant_pad_nd.default", f(2, 3, 4), [1, 2], 0.5),
    S("aten.constant_pad_nd.default", f(2, 3, 4), [-1, 2, 1, -2], note="crop"),
    S("aten.constant_pad_nd.default", i(2, 3), [1, 1, 2, 0], 7, note="int"),
    S("aten.constant_pad_nd.default", b(2, 3), [0, 1], True, note="bool"),
    S("aten.constant_pad_nd.default", f(1, 2, 2, 2, 2), [1, 0, 0, 1, 1, 1, 0, 0, 1, 0],
      float("-inf"), note="5d-inf"),
    S("aten.reflection_pad1d.default", f(2, 5), [2, 3]),
    S("aten.reflection_pad2d.default", f(1, 2, 4, 5), [1, 2, 3, 0]),
    S("aten.reflection_pad3d.default", i(1, 3, 3, 4), [1, 1, 0, 2, 2, 1]),
    S("aten.replication_pad2d.default", f(1, 2, 3, 4), [2, 1, 0, 3]),
    S("aten.replication_pad2d.default", f(2, 4, 5), [-1, 2, 1, -2], note="crop"),
    S("aten.replication_pad3d.default", i(1, 2, 3, 3, 2), [1, 0, 2, 1, 0, 2]),
    # reductions
    S("aten.amin.default", f(3, 4), [1]),
    S("aten.amin.default", NAN, [0], True, note="nan-keepdim"),
    S("aten.amin.default", i(2, 3, 4), [0, 2], note="int"),
    S("aten.amin.default", b(3, 4), [], note="bool-all"),
    S("aten.any.default", f(3, 4)),
    S("aten.all.default", f(3, 4)), S("aten.all.default", b(2, 3), note="bool"),
    S("aten.all.default", torch.tensor([1.0, float("nan"), 0.0]), note="zero-nan"),
    S("aten.all.default", torch.tensor([1.0, float("nan"), -2.0]), note="nan"),
    S("aten.any.default", torch.tensor([0.0, float("nan")]), note="nan"),
    S("aten.any.dim", i(3, 4, lo=0, hi=2), 1, True),
    S("aten.any.dim", b(3, 4), -1, note="bool"),
    S("aten.any.dims", torch.zeros(2, 3), [0, 1]),
    S("aten.any.dims", i(2, 3, lo=-1, hi=2), [], note="empty-list"),
    S("aten.any.dims", b(2, 3), None, True, note="all"),
    S("aten.argmin.default", TIES, 1),
    S("aten.argmin.default", NAN, 0, True, note="nan"),
    S("aten.argmin.default", i(3, 4), note="flat"),
    S("aten.max.dim", TIES, 1),
    S("aten.max.dim", NAN, 0, True, note="nan"),
    S("aten.max.dim", i(3, 4), -1, note="int"),
    S("aten.max.dim", f(), 0, note="0d"),
    S("aten.max.dim", b(3, 4), 1, note="bool"),
    S("aten.min.dim", TIES, 1),
    S("aten.min.dim", NAN, 1, True, note="nan"),
    S("aten.min.dim", i(3, 4), 0, note="int"),
    S("aten.prod.default", f(3, 4)),
    S("aten.prod.default", i(3, 4, lo=-3, hi=4), note="int"),
    S("aten.prod.dim_int", f(3, 4), 1, True),
    S("aten.prod.dim_int", f(3, 4), 0, dtype=torch.float32, note="dtype"),
    S("aten.prod.dim_int", i(5, 2, lo=-3, hi=4), -1, note="int"),
    S("aten.prod.dim_int", b(3, 4), 1, dtype=torch.bool, note="bool"),
    S("aten.prod.dim_int", f(3, 0), 1, note="empty-dim"),     # 1: wasm's prod gave garbage
    S("aten.prod.dim_int", f(0, 4), 1, True, note="empty-out"),
    S("aten.prod.default", f(0, 3), note="empty"),
    S("aten.var.correction", f(3, 4)),
    S("aten.var.correction", f(3, 4, 2), [0, 2], correction=0, keepdim=True, note="dims"),
    S("aten.var.correction", f(1, 4), [0], correction=2, note="over-corrected"),
    S("aten.var.correction", NAN, [1], note="nan"),
    S("aten.var.dim", f(3, 4), [1]),
    S("aten.var.dim", f(3, 4), None, False, True, note="all-biased"),
    # advanced indexing
    S("aten.index.Tensor", f(5, 4), [IDX]),
    S("aten.index.Tensor", f(3, 5, 4), [None, IDX], note="second"),
    S("aten.index.Tensor", f(3, 5, 4), [None, IDX.reshape(2, 2), torch.tensor([1, -4])],
      note="adjacent-broadcast"),
    S("aten.index.Tensor", f(3, 5, 4), [torch.tensor([[0], [2]]), None, torch.tensor([1, 3])],
      note="split"),
    S("aten.index.Tensor", i(4, 3), [torch.tensor(2)], note="0d-index"),
    S("aten.index.Tensor", b(4, 3), [None, torch.tensor([2, 2, 0])], note="bool-dup"),
    S("aten.index.Tensor", f(4, 3), [b(4)], note="mask"),
    S("aten.index.Tensor", i(4, 3, 2), [torch.tensor([[True, False, True]] * 4)], note="mask-2d"),
]

#: samples a target refuses by design
REFUSED = {
    **{(t, f"aten.{k}"): r for t in ("tfjs", "tf", "numpy") for k, r in (
        ("_local_scalar_dense.default", "a Python scalar read from a tensor"),
        ("sym_size.int", "plans are static"), ("sym_numel.default", "plans are static"),
        ("sym_stride.int", "plans have no strides"),
        ("sym_storage_offset.default", "plans have no storage"),
        ("sym_is_contiguous.default", "plans have no strides"),
        ("resize_.default", "plans have no mutation"),
        ("as_strided.default", "storage"))},
    ("tfjs", "aten.nonzero.default"): "whereAsync",
    ("tfjs", "aten.nonzero.default-int"): "whereAsync",
    ("tfjs", "aten.nonzero.default-0d"): "whereAsync",
    ("tfjs", "aten.prod.dim_int-bool"): "TF.js has no int64",
    ("tfjs", "aten.prod.default-int"): "TF.js has no int64",
    ("tfjs", "aten.prod.dim_int-int"): "TF.js has no int64",
    ("tfjs", "aten.index.Tensor-mask"): "boolean mask",
    ("tfjs", "aten.index.Tensor-mask-2d"): "boolean mask",
    ("tfjs", "aten.index_put.default-mask-rows"): "values per selected row",
    ("tfjs", "aten.index_put.default-mask-rows-accumulate"): "values per selected row",
}

_IX = torch.tensor([[0, 1, 2, 0], [1, 2, 0, 1], [2, 0, 1, 2]])  # distinct per column
_DUP = torch.tensor([[0, 0, 2], [1, 1, 1]])
_S = f(3, 4)

SAMPLES += [
    S("aten.index_put.default", f(5, 4), [IDX], f(4, 4)),
    S("aten.index_put.default", f(5, 4), [torch.tensor([0, 2, 0, 4])], f(4), True,
      note="accumulate-dup"),
    S("aten.index_put.default", I32(3, 5, 4), [None, IDX, torch.tensor([1, 3, 0, 2])], I32(1),
      note="adjacent-int"),
    S("aten.index_put.default", f(3, 5, 4), [torch.tensor([2, 0]), None, torch.tensor([1, 3])],
      f(2, 5), True, note="split-accumulate"),
    S("aten.index_put.default", b(4, 3), [torch.tensor([1, 3])], torch.tensor(True),
      note="bool"),
    S("aten.index_put.default", b(4, 3), [torch.tensor([1, 3, 1])], b(3, 3), True,
      note="bool-accumulate"),
    S("aten.index_put.default", f(4, 3), [b(4)], f(3), note="mask"),
    S("aten.index_put.default", I32(4, 3, 2), [b(4, 3)], I32(1, 2), True,
      note="mask-accumulate"),
    S("aten.index_put.default", b(4, 3), [b(4)], b(3), True, note="mask-bool"),
    S("aten.index_put.default", f(4, 3), [torch.tensor([True, False, True, True])], f(3, 3),
      note="mask-rows"),
    S("aten.index_put.default", I32(2, 3, 2),
      [torch.tensor([[True, False, True], [False, False, True]])], I32(3, 2), True,
      note="mask-rows-accumulate"),
    S("aten.scatter.src", torch.zeros(3, 5), 1, torch.tensor([[4, 0, 2], [1, 3, 0], [0, 2, 4]]),
      f(3, 4)),
    S("aten.scatter.src", i(3, 4), 0, _IX[:2], i(3, 5), note="dim0-int"),
    S("aten.scatter_add.default", f(3, 4), 1, _DUP.repeat(1, 1)[:, :3], _S),
    S("aten.scatter_add.default", I32(4, 3), 0, _DUP.T, I32(3, 3), note="dim0-int"),
    *[S("aten.scatter_reduce.two", NAN if r in ("amax", "amin") else f(3, 3), 1,
        torch.tensor([[0, 0, 2, 0], [1, 1, 1, 2], [2, 2, 2, 2]]),
        torch.tensor([[1.0, -2.0, float("nan"), 4.0], [0.5, 2.0, -1.0, 3.0],
                      [1.0, 2.0, 3.0, 4.0]]) if r in ("amax", "amin") else f(3, 4),
        r, include_self=s, note=f"{r}-{'self' if s else 'noself'}")
      for r in ("sum", "prod", "mean", "amax", "amin") for s in (True, False)],
    *[S("aten.scatter_reduce.two", I32(3, 3), 0, _DUP.T[:2], I32(2, 2), r, include_self=s,
        note=f"{r}-int-{'self' if s else 'noself'}")
      for r in ("sum", "prod", "mean", "amax", "amin") for s in (True, False)],
    S("aten.select_scatter.default", f(3, 4), f(4), 0, -1),
    S("aten.select_scatter.default", b(2, 3, 4), b(2, 4), 1, 1, note="bool"),
    S("aten.slice_scatter.default", f(6, 3), f(2, 3), 0, 1, 5, 2),
    S("aten.slice_scatter.default", I32(3, 5), I32(3, 2), -1, -2, note="tail-int"),
    S("aten.slice_scatter.default", f(3, 4), f(3, 0), 1, 2, 2, note="empty"),
    S("aten.masked_scatter.default", f(3, 4), b(3, 4), f(12)),
    S("aten.masked_scatter.default", I32(3, 4), b(4), I32(20), note="broadcast-int"),
    S("aten.masked_scatter.default", b(2, 3), b(2, 3), b(7), note="bool"),
    S("aten.masked_scatter.default", f(3), b(2, 3), f(7), note="mask-broadcasts-self"),
    S("aten.scatter.src", f(), 0, torch.tensor(0), f(), note="0d"),
    S("aten.scatter_add.default", f(), 0, torch.tensor([0]).reshape(()), f(), note="0d"),
    S("aten.scatter_reduce.two", f(), 0, torch.tensor(0), f(), "amax", note="0d"),
    S("aten.scatter_reduce.two", f(), 0, torch.tensor(0), f(), "mean", include_self=False,
      note="0d-mean"),
    S("aten.scatter_add.default", b(3, 4), 1, _DUP, b(2, 3), note="bool"),
    *[S("aten.scatter_reduce.two", b(3, 4), 1, _DUP, b(2, 3), r, include_self=s,
        note=f"{r}-bool-{'self' if s else 'noself'}")
      for r in ("sum", "prod", "amax", "amin") for s in (True, False)],
    S("aten.slice_scatter.default", b(4, 2), b(1, 2), 0, 3, note="bool"),
]

REFUSED.update({
    ("tfjs", "aten.scatter_reduce.two-prod-int-self"): "TF.js has no int64",
    ("tfjs", "aten.scatter_reduce.two-prod-int-noself"): "TF.js has no int64",
})

# out-of-range indices (PyTorch raises, or its kernel reads or writes outside the tensor): every
# target refuses them by a guard (Oob: PyTorch sees in-range values, the plan the others)
from op_samples import OOB, Oob, fd  # noqa: E402

_T = torch.tensor
_OOB = [
    S("aten.scatter.src", torch.zeros(3, 4), 1,
      Oob(_T([[0, 1], [3, 2], [1, 0]]), [[0, 1], [4, 2], [1, 0]]), fd(3, 2), note="oob"),
    S("aten.scatter.src", torch.zeros(3, 4), 1,
      Oob(_T([[0, 1], [3, 2], [1, 0]]), [[0, 1], [-1, 2], [1, 0]]), fd(3, 2), note="oob-neg"),
    S("aten.scatter_add.default", fd(3, 4), 0, Oob(_T([[0, 1, 2, 2]]), [[0, 3, 2, 2]]), fd(1, 4),
      note="oob"),
    S("aten.scatter_add.default", fd(3, 4), 1, Oob(_T([[0], [3], [1]]), [[0], [-2], [1]]), fd(3, 1),
      note="oob-neg"),
    *[S("aten.scatter_reduce.two", fd(3, 4), 1, Oob(_T([[0], [3], [1]]), [[0], [4], [1]]),
        fd(3, 1), r, note=f"oob-{r}") for r in ("sum", "mean", "amax", "prod")],
    S("aten.index.Tensor", fd(5, 4), [Oob(_T([0, 4]), [0, 5])], note="oob"),
    S("aten.index.Tensor", fd(5, 4), [None, Oob(_T([1, -4]), [1, -5])], note="oob-neg"),
    S("aten.index.Tensor", fd(5, 4), [Oob(_T([0, 4]), [0, 7])], note="oob-wraps"),
    S("aten.index_put.default", fd(5, 4), [Oob(_T([0, 4]), [0, 5])], fd(2, 4), note="oob"),
    S("aten.index_put.default", fd(5, 4), [None, Oob(_T([1, -4]), [1, -5])], fd(5, 2), True,
      note="oob-neg-accumulate"),
]
SAMPLES += _OOB
REFUSED.update({(t, s.id): OOB for t in ("numpy", "tf", "tfjs") for s in _OOB})
