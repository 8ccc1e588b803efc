"""Cases for threepio/expansions/linalg.py."""

import torch

from . import rhs, tri

aten = torch.ops.aten

# name -> (reference: the ATen op, [(args, kwargs)])
CASES = {
    "linalg_solve_triangular": (aten.linalg_solve_triangular.default, [
        ((tri(5), rhs(5, 3)), {"upper": False}),
        ((tri(5, upper=True), rhs(5, 3)), {"upper": True}),
        ((tri(4, (2,)), rhs(4, 2, (3, 1))), {"upper": False}),  # broadcast batches
        ((tri(4), rhs(2, 4)), {"upper": False, "left": False}),
        ((tri(4, upper=True), rhs(4, 1)), {"upper": True, "unitriangular": True}),
        ((tri(1), rhs(1, 3)), {"upper": True}),
        ((tri(0), rhs(0, 3)), {"upper": False}),
    ]),
}
