"""The ATen tracer picks kernels Core ATen can express: attention in its math form (the fused
CPU flash-attention backward would trace to wrong gradients) and recurrent layers without
oneDNN (whose fused layer no target runs)."""

import numpy as np
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
