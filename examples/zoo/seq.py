"""Sequence models of the model zoo, as plain PyTorch.

``nn.TransformerEncoderLayer`` (d_model 32, 4 heads, feed-forward 64, dropout 0, batch first)
in its post-norm and pre-norm forms, with and without a key padding mask, their training steps,
and a two-layer ``nn.LSTM`` (input 8, hidden 16) with a linear head and its training step.
Each ``*_example()`` function returns the example inputs of the name before it, so
``threepio check examples/zoo/seq.py:NAME`` works.

How they trace to decomposable Core ATen ops:

- The transformer layers are built in train mode with dropout 0.0, which computes exactly what
  eval mode computes and never takes PyTorch's fused fast path
  (``aten._transformer_encoder_layer_fwd``). Under ``make_fx`` eval mode does not take it
  either, even with grad disabled (checked: it records the same Python path). Attention then
  runs ``scaled_dot_product_attention``; :func:`math_attention` selects its math formulation,
  which traces as bmm, _softmax and the ``_safe_softmax`` guard for fully masked rows (eq,
  logical_not, any, where), with an ordinary ATen backward.
- ``nn.LSTM`` on CPU decomposes to oneDNN's fused ``aten.mkldnn_rnn_layer`` unless oneDNN is
  disabled; :func:`decomposed_rnn` disables it while the LSTM runs, so each time step traces
  as matmuls, sigmoid/tanh gates and elementwise updates.
"""

import contextlib

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 2
SEQ = 5
D_MODEL = 32
LR = 0.05


@contextlib.contextmanager
def decomposed_rnn():
    """oneDNN off: ``nn.LSTM``/``nn.GRU`` decompose to per-step ATen ops, not the fused
    ``aten.mkldnn_rnn_layer`` (which no target can run). ``threepio.trace`` does this itself;
    this is for running the models eagerly the same way. ``flags()`` also works where torch's
    test harness froze the global flags."""
    with torch.backends.mkldnn.flags(enabled=False):
        yield


def math_attention():
    """Attention as PyTorch's math formulation (bmm, softmax), whose backward is ordinary
    ATen ops. Without it, autograd records ``aten._scaled_dot_product_flash_attention_for_cpu``
    and torch's decomposition of its forward hands the attention matrix to the fused backward
    where the backward expects the logsumexp: the traced gradients would be wrong."""
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel(SDPBackend.MATH)


def _encoder_layer(norm_first):
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(D_MODEL, nhead=4, dim_feedforward=64, dropout=0.0,
                                       batch_first=True, norm_first=norm_first)
    return layer.train()  # dropout 0.0: the same values as eval, without the fused fast path


class TransformerPost(nn.Module):
    """Post-norm encoder layer: x = norm1(x + attn(x)); x = norm2(x + ff(x))."""

    def __init__(self):
        super().__init__()
        self.layer = _encoder_layer(norm_first=False)

    def forward(self, x):
        with math_attention():
            return self.layer(x)


class TransformerPre(TransformerPost):
    """Pre-norm encoder layer: x = x + attn(norm1(x)); x = x + ff(norm2(x))."""

    def __init__(self):
        nn.Module.__init__(self)
        self.layer = _encoder_layer(norm_first=True)


class TransformerMasked(TransformerPost):
    """Post-norm layer with a key padding mask (True marks padding the queries must ignore)."""

    def forward(self, x, src_key_padding_mask):
        with math_attention():
            return self.layer(x, src_key_padding_mask=src_key_padding_mask)


class LSTMHead(nn.Module):
    """Two-layer LSTM (input 8, hidden 16, batch first) and a linear head on every step."""

    def __init__(self, classes=4):
        super().__init__()
        torch.manual_seed(0)
        self.lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)
        self.head = nn.Linear(16, classes)

    def forward(self, x):
        with decomposed_rnn():
            y, _ = self.lstm(x)
        return self.head(y)


_POST = TransformerPost()
_POST_NAMES = [n for n, _ in _POST.named_parameters()]
_PRE = TransformerPre()
_PRE_NAMES = [n for n, _ in _PRE.named_parameters()]
_MASKED = TransformerMasked()
_LSTM = LSTMHead()
_LSTM_NAMES = [n for n, _ in _LSTM.named_parameters()]


def _step(module, names, x, target, params):
    out = torch.func.functional_call(module, dict(zip(names, params)), (x,))
    loss = F.mse_loss(out, target)
    grads = torch.autograd.grad(loss, params)
    return (loss, *[p - LR * g for p, g in zip(params, grads)])


def transformer_step(x, target, *params):
    """Training step of the post-norm layer: forward, MSE loss, backward, SGD update."""
    return _step(_POST, _POST_NAMES, x, target, params)


def transformer_pre_step(x, target, *params):
    """Training step of the pre-norm layer."""
    return _step(_PRE, _PRE_NAMES, x, target, params)


def transformer_masked_step(x, mask, target, *params):
    """Training step of the post-norm layer with a key padding mask; the loss skips padding."""
    out = torch.func.functional_call(_MASKED, dict(zip(_POST_NAMES, params)), (x, mask))
    keep = (~mask).unsqueeze(-1).float()
    loss = ((out - target).square() * keep).sum() / (keep.sum() * out.shape[-1])
    grads = torch.autograd.grad(loss, params)
    return (loss, *[p - LR * g for p, g in zip(params, grads)])


def lstm_step(x, labels, *params):
    """Training step of the LSTM with its head: cross-entropy over every step's logits."""
    out = torch.func.functional_call(_LSTM, dict(zip(_LSTM_NAMES, params)), (x,))
    loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), labels.reshape(-1))
    grads = torch.autograd.grad(loss, params)
    return (loss, *[p - LR * g for p, g in zip(params, grads)])


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def TransformerPost_example(seed=1):
    return (torch.randn(BATCH, SEQ, D_MODEL, generator=_gen(seed)),)


TransformerPre_example = TransformerPost_example


def TransformerMasked_example(seed=1):
    mask = torch.zeros(BATCH, SEQ, dtype=torch.bool)
    mask[0, 3:] = True  # the first sequence has 3 tokens, the second 5
    return (torch.randn(BATCH, SEQ, D_MODEL, generator=_gen(seed)), mask)


def LSTMHead_example(seed=1):
    return (torch.randn(BATCH, SEQ, 8, generator=_gen(seed)),)


def transformer_step_example(seed=1):
    g = _gen(seed)
    x = torch.randn(BATCH, SEQ, D_MODEL, generator=g)
    return (x, torch.randn(BATCH, SEQ, D_MODEL, generator=g),
            *[p.detach() for p in _POST.parameters()])


def transformer_pre_step_example(seed=1):
    g = _gen(seed)
    x = torch.randn(BATCH, SEQ, D_MODEL, generator=g)
    return (x, torch.randn(BATCH, SEQ, D_MODEL, generator=g),
            *[p.detach() for p in _PRE.parameters()])


def transformer_masked_step_example(seed=1):
    x, mask = TransformerMasked_example(seed)
    target = torch.randn(BATCH, SEQ, D_MODEL, generator=_gen(seed + 1))
    return (x, mask, target, *[p.detach() for p in _MASKED.parameters()])


def lstm_step_example(seed=1):
    g = _gen(seed)
    return (torch.randn(BATCH, SEQ, 8, generator=g), torch.randint(0, 4, (BATCH, SEQ), generator=g),
            *[p.detach() for p in _LSTM.parameters()])
