"""The sequence half of the model zoo (examples/zoo/seq.py), end to end on every target:
TransformerEncoderLayer (post- and pre-norm, with a key padding mask, training steps) and a
two-layer LSTM with a linear head (inference and training step).

Each plan is first checked against the model run eagerly (a wrong trace would make every
target agree with a wrong reference), then on NumPy, TF (eager and as one tf.function) and
TF.js (cpu and wasm): every output within 1e-4 max abs error of PyTorch. ``pytest -s`` prints
the measured errors.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import threepio
from threepio.errors import TranslationError
from threepio.ir import Plan, Ref, Value

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples" / "zoo"))
import seq  # noqa: E402

TARGETS = ["numpy", "tf", "tf-compiled", "tfjs:cpu", "tfjs:wasm"]
LIMIT = 1e-4  # max abs error, every target (values are O(1))
MODELS = {
    "TransformerPost": lambda: (seq.TransformerPost(), seq.TransformerPost_example()),
    "TransformerPre": lambda: (seq.TransformerPre(), seq.TransformerPre_example()),
    "TransformerMasked": lambda: (seq.TransformerMasked(), seq.TransformerMasked_example()),
    "transformer_step": lambda: (seq.transformer_step, seq.transformer_step_example()),
    "transformer_pre_step": lambda: (seq.transformer_pre_step,
                                     seq.transformer_pre_step_example()),
    "transformer_masked_step": lambda: (seq.transformer_masked_step,
                                        seq.transformer_masked_step_example()),
    "LSTMHead": lambda: (seq.LSTMHead(), seq.LSTMHead_example()),
    "lstm_step": lambda: (seq.lstm_step, seq.lstm_step_example()),
}
FUSED = ("_transformer_encoder_layer_fwd", "_scaled_dot_product_flash_attention",
         "_native_multi_head_attention", "mkldnn_rnn_layer")


@pytest.fixture(scope="module")
def traced():
    out = {}
    for name, make in MODELS.items():
        fn, ex = make()
        out[name] = (fn, ex, threepio.trace(fn, ex))
    return out


def _eager(fn, ex):
    if isinstance(fn, torch.nn.Module):
        with torch.no_grad():
            res = fn(*ex)
    else:  # a training step differentiates its floating inputs
        res = fn(*[t.clone().requires_grad_(t.is_floating_point()) for t in ex])
    return [r.detach().numpy() for r in (res if isinstance(res, tuple) else (res,))]


@pytest.mark.parametrize("model", list(MODELS))
def test_trace_is_decomposed_and_matches_eager(traced, model):
    fn, ex, plan = traced[model]
    fused = [op.target for op in plan.ops if any(f in op.target for f in FUSED)]
    assert not fused, f"{model} traced fused kernels no target runs: {fused}"
    ref = threepio.run(plan, plan.examples)
    for got, want, v in zip(ref, _eager(fn, ex), plan.outputs):
        err = float(np.abs(got - want).max())
        assert err <= 1e-5, f"{model} output {v.name}: the plan differs from eager by {err}"


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("model", list(MODELS))
def test_model_matches_pytorch(traced, model, target):
    _, _, plan = traced[model]
    compiled = target == "tf-compiled"
    report = threepio.check(plan, targets=("tf" if compiled else target,), compile=compiled)
    assert report.ok, str(report)
    worst = max(r.max_abs for r in report.rows)
    print(f"\n{model:<22} {target:<10} {len(plan.ops):>4} ATen ops  "
          f"{len(report.rows):>2} outputs  max abs error {worst:.3g}")
    assert len(report.rows) == len(plan.outputs)
    assert worst <= LIMIT, str(report)


def test_steps_return_loss_and_every_updated_parameter(traced):
    n_post = len(list(seq.TransformerPost().parameters()))
    assert len(traced["transformer_step"][2].outputs) == 1 + n_post
    assert len(traced["lstm_step"][2].outputs) == 1 + len(list(seq.LSTMHead().parameters()))


def test_padding_mask_changes_the_padded_sequence_only(traced):
    _, (x, mask), plan = traced["TransformerMasked"]
    free = threepio.run(traced["TransformerPost"][2],
                        [x.numpy(), *traced["TransformerMasked"][2].examples[2:]])[0]
    masked = threepio.run(threepio.translate(plan, "numpy"), plan.examples)[0]
    assert np.abs(masked[1] - free[1]).max() < 1e-5        # no padding in sequence 1
    assert np.abs(masked[0] - free[0]).max() > 1e-3        # sequence 0 ignores its last 2 keys


@pytest.fixture
def fused_kernels(monkeypatch):
    """The tracer picks attention's math form and oneDNN-free RNNs itself; these tests need
    the fused kernels a plan made elsewhere could hold."""
    import contextlib

    import threepio.tracing.aten as aten

    monkeypatch.setattr(aten, "_decomposable_kernels", contextlib.nullcontext)


def test_flash_attention_trace_is_refused_not_mistranslated(fused_kernels):
    """Traced without seq.math_attention, autograd records the fused CPU flash-attention
    backward and torch's decomposition hands it the attention matrix as its logsumexp: the
    reference gradient is wrong, so every target refuses the op and says how to trace."""
    layer = seq._encoder_layer(norm_first=False)
    names = [n for n, _ in layer.named_parameters()]

    def step(x, *params):
        out = torch.func.functional_call(layer, dict(zip(names, params)), (x,))
        return torch.autograd.grad(out.square().mean(), params)

    plan = threepio.trace(step, (seq.TransformerPost_example()[0],
                                 *[p.detach() for p in layer.parameters()]))
    [bwd] = [op for op in plan.ops if "flash_attention_for_cpu_backward" in op.target]
    types = plan.types()
    alone = Plan("flash_backward", "aten", [Value(n, types[n]) for n in dict.fromkeys(bwd.refs())],
                 [], [bwd], [Ref(v.name) for v in bwd.outputs]).lint()
    for target in ("numpy", "tf", "tfjs"):
        with pytest.raises(TranslationError, match="logsumexp is not .*sdpa_kernel"):
            threepio.translate(alone, target)


def _bags(weight, indices, offsets, per_sample_weights, mode, include_last, padding_idx):
    return torch.nn.functional.embedding_bag(indices, weight, offsets, mode=mode,
                                             per_sample_weights=per_sample_weights,
                                             include_last_offset=include_last,
                                             padding_idx=padding_idx)


@pytest.mark.parametrize("mode, include_last, padding_idx, weighted", [
    ("sum", False, None, False), ("mean", False, None, False), ("max", False, None, False),
    ("sum", False, None, True), ("sum", True, None, False), ("mean", True, 4, False),
    ("max", False, 2, False), ("mean", False, 2, False)])
def test_embedding_bag_on_every_target(mode, include_last, padding_idx, weighted):
    """aten._embedding_bag's bag output as F.embedding_bag uses it (its other outputs unused):
    empty bags, repeated indices, padding_idx and per-sample weights."""
    g = torch.Generator().manual_seed(5)
    weight = torch.randn(10, 3, generator=g)
    indices = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9, 0, 2])
    offsets = torch.tensor([0, 4, 4, 7, 10] if include_last else [0, 4, 4, 7])
    psw = torch.rand(10, generator=g) if weighted else None

    def fn(weight, indices, offsets, *psw):
        return _bags(weight, indices, offsets, psw[0] if psw else None,
                     mode, include_last, padding_idx)

    ex = (weight, indices, offsets, *([psw] if weighted else []))
    plan = threepio.trace(fn, ex)
    assert any(op.target == "aten._embedding_bag.default" for op in plan.ops)
    report = threepio.check(plan, targets=("numpy", "tf", "tfjs:cpu", "tfjs:wasm"))
    assert report.ok, str(report)
    assert max(r.max_abs for r in report.rows) <= LIMIT


def test_fused_lstm_is_refused_with_the_way_to_decompose_it(fused_kernels):
    """nn.LSTM traced with oneDNN on records aten.mkldnn_rnn_layer; every target refuses it and
    names the switch that makes the LSTM decompose (seq.decomposed_rnn)."""
    if not torch.backends.mkldnn.is_available():
        pytest.skip("this torch build has no oneDNN, so nn.LSTM never takes the fused layer")
    lstm = torch.nn.LSTM(4, 3, batch_first=True)
    plan = threepio.trace(lambda x: lstm(x)[0], (torch.randn(2, 5, 4),))
    assert any(op.target == "aten.mkldnn_rnn_layer.default" for op in plan.ops)
    for target in ("numpy", "tf", "tfjs"):
        with pytest.raises(TranslationError, match="mkldnn.enabled = False"):
            threepio.translate(plan, target)
