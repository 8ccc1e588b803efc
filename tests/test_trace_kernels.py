"""The ATen tracer picks kernels Core ATen can express: attention in its math form (the fused
CPU flash-attention backward would trace to wrong gradients) and recurrent layers without
oneDNN (whose fused layer no target runs)."""

import numpy as np
import pytest
import torch
import torch.nn as nn

import threepio


def test_a_transformer_training_step_traces_to_the_right_gradients():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True).train()
    names = [n for n, _ in layer.named_parameters()]

    def step(x, *params):
        out = torch.func.functional_call(layer, dict(zip(names, params)), (x,))
        loss = out.pow(2).mean()
        return (loss, *torch.autograd.grad(loss, params))

    x = torch.randn(2, 5, 16)
    params = [p.detach() for p in layer.parameters()]
    plan = threepio.trace(step, (x, *params))
    assert not [op.target for op in plan.ops if "flash" in op.target]
    traced = threepio.run(plan, plan.examples)
    leaves = [p.clone().requires_grad_() for p in params]
    eager = step(x, *leaves)
    for got, want in zip(traced, eager):
        np.testing.assert_allclose(got, want.detach().numpy(), atol=1e-5, rtol=1e-5)
    assert threepio.check(plan, targets=("tfjs",)).ok


def test_an_lstm_traces_to_plain_ops_and_leaves_onednn_as_it_was():
    before = torch.backends.mkldnn.enabled
    plan = threepio.trace(nn.LSTM(4, 8, batch_first=True), (torch.randn(2, 3, 4),))
    assert not [op.target for op in plan.ops if "rnn" in op.target]
    assert torch.backends.mkldnn.enabled == before
    assert threepio.check(plan, targets=("numpy", "tf")).ok


def test_writes_into_intermediates_and_views_are_traced_out_of_place():
    """Dropout fills a fresh tensor in place (bernoulli_) and circular padding copies into
    slices of one: the tracer functionalizes them (bernoulli, slice_scatter) instead of
    refusing, and the plan gives PyTorch's values."""
    import torch.nn.functional as F

    x = torch.randn(2, 3, 5)
    plan = threepio.trace(lambda x: F.pad(x, (1, 2), mode="circular"), (x,))
    assert "aten.slice_scatter.default" in {op.target for op in plan.ops}
    assert not any(op.target.split(".")[1].endswith("_") for op in plan.ops)
    for target in ("numpy", "tf", "tfjs"):
        report = threepio.check(plan, targets=(target,))
        assert report.ok, str(report)
    drop = threepio.trace(lambda x: F.dropout(x, 0.5, training=True), (x,))
    assert "aten.bernoulli.p" in {op.target for op in drop.ops}


def test_a_program_writing_into_its_input_is_refused_with_the_input_named():
    bn = torch.nn.BatchNorm1d(4).train()
    with pytest.raises(threepio.TraceError, match=r"writes into its input 'num_batches_tracked' "
                                                  r"in place .* plans have no mutation"):
        threepio.trace(bn, (torch.randn(5, 4),))
