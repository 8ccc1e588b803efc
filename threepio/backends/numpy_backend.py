"""NumPy backend: ``np.*`` commands, plus ``npx.*`` kernels (threepio/backends/numpy_kernels.py)
for operations NumPy has no single function for (convolution, pooling)."""

from __future__ import annotations

import numpy as np

from ..rules.loader import load_rules
from .base import Interpreter, resolve_path


class NumpyInterpreter(Interpreter):
    namespace = "numpy"

    def __init__(self):
        super().__init__()
        self.allowed = load_rules("numpy").commands

    def lookup(self, target):
        if target.startswith("npx."):
            from . import numpy_kernels

            return resolve_path(numpy_kernels, "npx", target, self.allowed)
        return resolve_path(np, "numpy", target, self.allowed)

    def to_native(self, array, type_):
        return np.asarray(array)

    def to_numpy(self, value):
        return np.asarray(value)

    def execute(self, plan, natives, keep_all=False):
        # inf and NaN from division by zero or overflow are PyTorch's results too: no warnings
        with np.errstate(all="ignore"):
            return super().execute(plan, natives, keep_all)
