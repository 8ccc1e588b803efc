"""PySyft 0.2.x plans: import them as threepio plans, export TF.js translations back.

>>> from threepio import pysyft
>>> plan = pysyft.read_plan("mnist_plan.pb", example_inputs=inputs)     # doctest: +SKIP
>>> pysyft.write_plan(plan, "mnist_plan.tfjs.pb", torch_role_from="mnist_plan.pb")  # doctest: +SKIP

* :func:`read_plan` reads one role (``torch`` or ``tfjs``) of a serialized
  ``syft_proto.execution.v1.Plan`` into a :class:`~threepio.ir.Plan` (see :mod:`.reader`).
* :func:`read_state` / :func:`write_state` read and write ``State`` messages (parameters,
  batches) as lists of NumPy arrays (see :mod:`.tensors`).
* :func:`write_plan` writes a plan whose ``tfjs`` role is threepio's TF.js translation in the
  form syft.js executes, next to the original ``torch`` role (see :mod:`.writer`).

The messages are declared in :mod:`.schema` (no generated ``_pb2`` modules; needs ``protobuf``).
"""

from __future__ import annotations

from .reader import read_plan
from .tensors import read_state, write_state
from .writer import write_plan

__all__ = ["read_plan", "read_state", "write_plan", "write_state"]
