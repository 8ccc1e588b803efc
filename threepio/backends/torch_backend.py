"""The reference backend: runs ``aten`` and ``torch`` plans in PyTorch eager mode."""

from __future__ import annotations

import numpy as np

from ..errors import ExecutionError
from .base import Interpreter


class TorchInterpreter(Interpreter):
    namespace = "torch"

    def __init__(self):
        super().__init__()
        import torch

        self.torch = torch

    def lookup(self, target):
        torch = self.torch
        if target.startswith("aten."):
            parts = target.split(".")
            if len(parts) != 3:
                raise ExecutionError(f"{target} is not an ATen overload name (aten.op.overload)")
            packet = getattr(torch.ops.aten, parts[1], None)
            op = getattr(packet, parts[2], None) if packet is not None else None
            if not isinstance(op, torch._ops.OpOverload):
                raise ExecutionError(f"{target} is not an ATen operator of torch "
                                     f"{torch.__version__}")
            if any(a.name == "memory_format" for a in op._schema.arguments):
                # plan values have no strides (tracing drops memory_format): a copy is
                # contiguous, as on every target, so a later aten.view of it works
                return lambda *a, **k: op(*a, **{"memory_format": torch.contiguous_format, **k})
            return op
        from ..tracing.api import _DESCRIPTORS, _decode, _public

        fn = _public()[1].get(target)
        if fn is None:
            raise ExecutionError(f"{target} is not a public PyTorch command")
        if target == "torch.Tensor.__getitem__":
            return lambda x, idx: x[tuple(_decode(a, {}, index=True) for a in idx)]
        return fn.__get__ if isinstance(fn, _DESCRIPTORS) else fn

    def to_native(self, array, type_):
        return self.torch.from_numpy(np.array(array, copy=True))

    def to_numpy(self, value):
        if not isinstance(value, self.torch.Tensor):
            return np.asarray(value)
        return value.detach().resolve_conj().resolve_neg().numpy()   # lazy conj/neg bits

    def dtype_arg(self, d):
        return getattr(self.torch, d.name)

    def run(self, plan, inputs, keep_all=False):
        with self.torch.no_grad():
            return super().run(plan, inputs, keep_all)
