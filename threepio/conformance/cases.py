"""The cases of the conformance matrix: one per OpInfo entry, dtype and sample input.

A case turns a sample into a function of its tensors only (everything else is baked in), so
the ATen tracer sees the op exactly as OpInfo calls it. Nothing here branches on op names.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

DTYPES = ("float32", "int32", "int64", "bool")


#: float32 samples per differentiable entry also run as a gradient case
GRAD_SAMPLES = 2


@dataclass
class Case:
    op: str            # OpInfo name, with ".variant" when it has one: the table's row key
    dtype: str
    index: int         # sample index within (op, dtype)
    entry: object      # the OpInfo
    sample: object     # the SampleInput
    grad: bool = False  # the vector-Jacobian product (ones) with respect to the float inputs

    @property
    def id(self) -> str:
        return f"{self.op}[{self.dtype}#{'grad' if self.grad else ''}{self.index}]"

    def program(self):
        """(fn, tensors): ``fn(*tensors)`` calls the op on the sample; for a gradient case it
        returns the gradients of the sum of the op's float outputs with respect to the float
        inputs (what a training step's backward computes: the op's backward ATen ops)."""
        fn, tensors = self._forward()
        if not self.grad:
            return fn, tensors
        import torch
        from torch.utils._pytree import tree_leaves

        def vjp(*tensors):
            with torch.enable_grad():
                xs = [t.detach().requires_grad_() if t.is_floating_point() else t
                      for t in tensors]
                outs = [o for o in tree_leaves(fn(*xs))
                        if isinstance(o, torch.Tensor) and o.requires_grad]
                wrt = [x for x in xs if x.requires_grad]
                gs = torch.autograd.grad(outs, wrt, [torch.ones_like(o) for o in outs],
                                         allow_unused=True)
            return tuple(torch.zeros_like(x) if g is None or g._is_zerotensor() else g
                         for g, x in zip(gs, wrt))   # (autograd's lazy zeros are not data)

        return vjp, tensors

    def _forward(self):
        import torch
        from torch.utils._pytree import tree_flatten, tree_unflatten

        s = self.sample
        leaves, spec = tree_flatten((s.input, s.args, s.kwargs))
        where = [i for i, x in enumerate(leaves) if isinstance(x, torch.Tensor)]
        op = self.entry.op

        def fn(*tensors):
            filled = list(leaves)
            for i, t in zip(where, tensors):
                filled[i] = t
            a, args, kwargs = tree_unflatten(filled, spec)
            return op(a, *args, **kwargs)

        return fn, tuple(leaves[i] for i in where)


@lru_cache(maxsize=1)
def op_db():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.testing._internal import common_utils
        from torch.testing._internal.common_methods_invocations import op_db as db
        from torch.testing._internal.opinfo import core

    # OpInfo looks for the running unittest method on every sample iterator by walking the
    # stack with inspect (a third of the matrix's time); there is none here, so it finds None.
    common_utils.extract_test_fn = core.extract_test_fn = _no_test_fn
    # and reseeds before every sample with torch.manual_seed, which also queues seeding for
    # every lazily initialised accelerator (a millisecond each); the CPU generator is the same
    common_utils.set_rng_seed = _set_cpu_seed
    return db


def _no_test_fn():
    return None


def _set_cpu_seed(seed=None):
    import random

    import numpy as np
    import torch
    from torch.testing._internal.common_utils import SEED

    seed = SEED if seed is None else seed
    torch.default_generator.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)


def op_key(entry) -> str:
    return entry.name + (f".{entry.variant_test_name}" if entry.variant_test_name else "")


def entries(select=None):
    """OpInfo entries whose key matches ``select`` (a predicate on the key), in db order."""
    return [e for e in op_db() if select is None or select(op_key(e))]


def cases(entry, dtypes=DTYPES, max_per_dtype=None, grad=False):
    """The cases of one entry for the dtypes it supports on the CPU (with ``grad``, also
    gradient cases of its first float32 samples)."""
    import torch

    supported = {str(d).removeprefix("torch.") for d in entry.supported_dtypes("cpu")}
    for dtype in dtypes:
        if dtype not in supported:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                samples = list(entry.sample_inputs("cpu", getattr(torch, dtype),
                                                   requires_grad=False))
            except Exception as e:  # the OpInfo itself cannot make samples here: a result too
                yield Case(op_key(entry), dtype, -1, entry, e)
                continue
        for i, s in enumerate(samples[:max_per_dtype]):
            yield Case(op_key(entry), dtype, i, entry, s)
        if grad and dtype == "float32" and getattr(entry, "supports_autograd", False):
            for i, s in enumerate(samples[:min(GRAD_SAMPLES, max_per_dtype or GRAD_SAMPLES)]):
                yield Case(op_key(entry), dtype, i, entry, s, grad=True)
