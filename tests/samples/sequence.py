"""Samples of the sequence part (mappings/<target>/sequence.yaml): attention backward, the
refused oneDNN RNN layer, distances and real FFTs."""

import torch
from op_samples import S, f

_g = torch.Generator().manual_seed(77)
_FLASH = "aten._scaled_dot_product_flash_attention_for_cpu_backward.default"
_RNN = "aten.mkldnn_rnn_layer.default"


def _attention(lq, lk, causal=False, mask=None, scale=None, note=""):
    """A backward sample with the forward's real output and logsumexp."""
    q, k, v = f(2, 2, lq, 8), f(2, 2, lk, 8), f(2, 2, lk, 8)
    kw = {"attn_mask": mask, "scale": scale}
    o, lse = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(q, k, v, 0.0, causal,
                                                                        **kw)
    kw = {k_: v_ for k_, v_ in kw.items() if v_ is not None}
    return S(_FLASH, f(*o.shape), q, k, v, o, lse, 0.0, causal, note=note, **kw)


def _masked():
    mask = f(2, 1, 4, 6)
    mask[0, 0, 1, :] = -float("inf")   # a fully masked query row: logsumexp 0, gradient 0
    mask[1, 0, :, 2] = -float("inf")
    return mask


def _complex(*shape):
    return torch.complex(f(*shape), f(*shape))


def _lstm_layer_args():
    """As nn.LSTM(4, 3) traces it: a sequence-first input of 5 steps, batch 2, hidden 3."""
    return (f(5, 2, 4), f(12, 4), f(12, 3), f(12), f(12), f(2, 3), f(2, 3), False, [], 2, 3, 1,
            True, False, True, True)


_CLOSE = f(30, 3)
_CLOSE[5] = _CLOSE[4]   # identical rows: distance 0 through the matrix-product path

SAMPLES = [
    _attention(4, 6),
    _attention(4, 6, causal=True, note="causal"),
    _attention(4, 6, mask=_masked(), note="mask"),
    _attention(5, 5, causal=True, scale=0.3, note="scale"),
    S(_RNN, *_lstm_layer_args()),
    # cdist: direct for p != 2 or few rows, matrix products for p = 2 with > 25 rows
    *[S("aten._cdist_forward.default", f(2, 4, 3), f(2, 5, 3), p, None, note=f"p{p}")
      for p in (0.0, 1.0, 2.0, 3.0, 0.5, float("inf"))],
    S("aten._cdist_forward.default", f(4, 3), f(5, 3), 2.0, 2, note="never-mm"),
    S("aten._cdist_forward.default", f(3, 4, 3), f(1, 5, 3), 1.0, None, note="broadcast"),
    S("aten._cdist_forward.default", _CLOSE, f(6, 3), 2.0, None, note="mm"),
    S("aten._cdist_forward.default", f(4, 3), f(5, 3), 2.0, 1, note="mm-always"),
    S("aten._cdist_forward.default", f(4, 0), f(5, 0), 2.0, None, note="empty-features"),
    S("aten._cdist_forward.default", f(0, 3), f(5, 3), 1.0, None, note="no-rows"),
    S("aten._cdist_forward.default", torch.tensor([[0.0, 1.0], [0.0, 1.0]]),
      torch.tensor([[0.0, 1.0], [2.0, 1.0]]), 0.0, None, note="ties"),
    # pdist
    *[S("aten._pdist_forward.default", f(5, 3), p, note=f"p{p}")
      for p in (0.0, 1.0, 2.0, 1.5, float("inf"))],
    S("aten._pdist_forward.default", _CLOSE[:6], note="duplicate-rows"),
    S("aten._pdist_forward.default", f(1, 3), note="one-row"),
    S("aten._pdist_forward.default", f(4, 0), note="empty-features"),
    # real FFTs
    S("aten._fft_r2c.default", f(3, 8), [1], 0, True),
    S("aten._fft_r2c.default", f(3, 7), [1], 1, False, note="full-ortho"),
    S("aten._fft_r2c.default", f(2, 4, 6), [0, 2], 2, True, note="2d-by-n"),
    S("aten._fft_r2c.default", f(4, 6, 3), [0, 1, 2], 0, True, note="3d"),
    S("aten._fft_r2c.default", f(3, 5, 2), [1], 0, True, note="middle-dim"),
    S("aten._fft_c2r.default", _complex(3, 5), [1], 2, 8),
    S("aten._fft_c2r.default", _complex(3, 4), [1], 0, 7, note="odd-unscaled"),
    S("aten._fft_c2r.default", _complex(4, 3, 4), [0, 2], 1, 6, note="2d-ortho"),
    S("aten._fft_c2r.default", _complex(4, 3, 5), [0, 1], 2, 4, note="middle-dims"),
]

_NO_COMPLEX = "no complex tensors"
REFUSED = {
    **{(t, _RNN): "torch.backends.mkldnn" for t in ("numpy", "tf", "tfjs")},
    **{("tfjs", s.id): _NO_COMPLEX for s in SAMPLES if "_fft_" in s.key},
}

_FOLD = "aten.col2im.default"
SAMPLES += [
    S(_FOLD, f(2, 3 * 4, 9), [4, 4], [2, 2], [1, 1], [0, 0], [1, 1]),
    S(_FOLD, f(3 * 4, 9), [4, 4], [2, 2], [1, 1], [0, 0], [1, 1], note="unbatched"),
    S(_FOLD, f(1, 2 * 6, 9), [5, 7], [2, 3], [1, 1], [1, 0], [2, 2], note="pad-stride"),
    S(_FOLD, f(2, 2 * 4, 18), [6, 5], [2, 2], [2, 1], [1, 1], [2, 1], note="dilation"),
    S(_FOLD, f(1, 1 * 4, 4), [5, 5], [2, 2], [1, 1], [0, 0], [3, 3], note="gaps"),
    S(_FOLD, torch.tensor([[[1.0, float("nan")], [float("inf"), 2.0]]]), [1, 3], [1, 2], [1, 1],
      [0, 0], [1, 1], note="nonfinite"),
    S(_FOLD, f(0, 4, 9), [4, 4], [2, 2], [1, 1], [0, 0], [1, 1], note="empty"),
]

_GRID = "aten.grid_sampler_2d.default"


def _grid(*shape, spread=1.2):
    """Sample points in [-spread, spread]: some fall outside the image."""
    return f(*shape, 2, lo=-spread, hi=spread)


def _ties():
    """Points on pixel centres and half-way between them (nearest rounds half to even)."""
    g = torch.tensor([[-1.0, -1.0], [-0.5, 0.0], [0.0, 0.5], [1.0, 1.0], [0.25, -0.75],
                      [float("nan"), 0.0], [2.5, 0.0], [-1.25, 1.0], [float("inf"), 0.5],
                      [-float("inf"), -0.5]])
    return g.reshape(1, 2, 5, 2)


SAMPLES += [
    *[S(_GRID, f(2, 3, 5, 6), _grid(2, 4, 3), mode, pad, ac, note=f"m{mode}-p{pad}-ac{int(ac)}")
      for mode in (0, 1, 2) for pad in (0, 1, 2) for ac in (False, True)],
    *[S(_GRID, f(1, 2, 4, 4), _ties(), mode, pad, ac, note=f"ties-m{mode}-p{pad}-ac{int(ac)}")
      for mode in (0, 1, 2) for pad in (0, 1, 2) for ac in (False, True)],
    *[S(_GRID, f(1, 2, 3, 5), _grid(1, 4, 6, spread=4.0), mode, 2, ac,
        note=f"far-reflect-m{mode}-ac{int(ac)}") for mode in (0, 1, 2) for ac in (False, True)],
    S(_GRID, f(1, 2, 1, 4), _grid(1, 3, 3, spread=3.0), 2, 2, True, note="bicubic-reflect-one-row"),
    S(_GRID, f(1, 2, 1, 4), _grid(1, 3, 3, spread=3.0), 0, 2, True, note="reflect-one-row"),
    S(_GRID, f(1, 1, 1, 1), _grid(1, 2, 2), 0, 0, True, note="one-pixel"),
    S(_GRID, f(0, 3, 4, 4), _grid(0, 2, 2), 0, 0, False, note="empty"),
]

_BAG = "aten._embedding_bag.default"
_BAG_IDX = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9, 0])
SAMPLES += [
    # one-op plans return all four outputs; the kernel's bookkeeping outputs are refused (the
    # bag output alone is proven by tests/test_zoo_seq.py::test_embedding_bag_on_every_target)
    S(_BAG, f(10, 3), _BAG_IDX, torch.tensor([0, 4, 4, 7]), False, 1),
    S(_BAG.replace("bag", "bag_forward_only"), f(10, 3), _BAG_IDX, torch.tensor([0, 4, 4, 7]),
      False, 2),
]
REFUSED.update({(t, key): "only the bags are mapped" for t in ("numpy", "tf", "tfjs")
                for key in (_BAG, _BAG.replace("bag", "bag_forward_only"))})

_C2C = "aten._fft_c2c.default"
SAMPLES += [
    S(_C2C, _complex(3, 8), [1], 0, True),
    S(_C2C, _complex(3, 7), [1], 2, False, note="inverse-by-n"),
    S(_C2C, _complex(3, 7), [1], 0, False, note="inverse-unscaled"),
    S(_C2C, _complex(4, 3, 5), [0, 2], 1, True, note="2d-ortho"),
    S(_C2C, _complex(4, 3, 5), [0, 2], 1, False, note="2d-inverse-ortho"),
    S(_C2C, _complex(2, 3, 4), [0, 1, 2], 2, True, note="3d-by-n"),
    S(_C2C, torch.complex(f(3, 4).double(), f(3, 4).double()), [0], 0,
      True, note="complex128"),
]
REFUSED.update({("tfjs", s.id): _NO_COMPLEX for s in SAMPLES if s.key == _C2C})

_GRID3 = "aten.grid_sampler_3d.default"


def _ties3():
    g = torch.tensor([[-1.0, -1.0, -1.0], [-0.5, 0.0, 0.25], [0.0, 0.5, -0.5], [1.0, 1.0, 1.0],
                      [float("nan"), 0.0, 0.0], [2.5, 0.0, -3.0], [float("inf"), 0.5, 0.0],
                      [-float("inf"), -0.5, 0.2]])
    return g.reshape(1, 2, 2, 2, 3)


SAMPLES += [
    *[S(_GRID3, f(2, 2, 3, 4, 5), f(2, 2, 3, 4, 3, lo=-1.3, hi=1.3), mode, pad, ac,
        note=f"m{mode}-p{pad}-ac{int(ac)}")
      for mode in (0, 1) for pad in (0, 1, 2) for ac in (False, True)],
    *[S(_GRID3, f(1, 2, 3, 4, 4), _ties3(), mode, pad, ac, note=f"ties-m{mode}-p{pad}-ac{int(ac)}")
      for mode in (0, 1) for pad in (0, 1, 2) for ac in (False, True)],
    *[S(_GRID3, f(1, 1, 2, 3, 4), f(1, 3, 3, 3, 3, lo=-4.0, hi=4.0), mode, 2, ac,
        note=f"far-reflect-m{mode}-ac{int(ac)}") for mode in (0, 1) for ac in (False, True)],
    S(_GRID3, f(1, 2, 1, 1, 3), f(1, 2, 2, 2, 3, lo=-3.0, hi=3.0), 0, 2, True, note="flat"),
    S(_GRID3, f(0, 2, 3, 3, 3), f(0, 2, 2, 2, 3), 0, 0, False, note="empty"),
]
