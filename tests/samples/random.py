"""Samples of mappings/<target>/random.yaml. Draws differ from PyTorch's, so every sample is
deterministic: an empty shape, or parameters that leave one possible value (p = 0 or 1, an
interval of one integer, a zero spread)."""

import torch
from op_samples import S, f

E = torch.zeros(0, 3)
ONES = torch.ones(2, 3)

SAMPLES = [
    S("aten.bernoulli.p", f(2, 3), 0.0, note="never"),
    S("aten.bernoulli.p", f(2, 3), 1.0, note="always"),
    S("aten.bernoulli.p", E, 0.5, note="empty"),
    S("aten.bernoulli.default", torch.tensor([[0.0, 1.0], [1.0, 0.0]])),
    S("aten.bernoulli.Tensor", f(2, 3), torch.tensor([0.0, 1.0, 1.0])),
    S("aten.uniform.default", f(2, 3), 2.5, 2.5, note="one-value"),
    S("aten.uniform.default", E, note="empty"),
    S("aten.normal.Tensor_float", f(2, 3), 0.0, note="zero-std"),
    S("aten.normal.float_Tensor", 1.5, torch.zeros(2, 3)),
    S("aten.normal.Tensor_Tensor", f(2, 3), torch.zeros(3)),
    S("aten.normal.float_float", 0.5, 0.0, [2, 2]),
    S("aten.normal_functional.default", f(2, 3), -1.0, 0.0),
    S("aten.exponential.default", E),
    S("aten.cauchy.default", E),
    S("aten.log_normal.default", E),
    S("aten.geometric.default", E, 0.5),
    S("aten.rand_like.default", E),
    S("aten.randn_like.default", E),
    S("aten.randint.default", 1, [2, 3], note="one-value"),
    S("aten.randint.low", -4, -3, [3], note="one-value"),
    S("aten.randint_like.default", ONES, 1),
    S("aten.randint_like.low_dtype", ONES, 7, 8),
]
