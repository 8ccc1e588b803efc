"""PySyft tensors <-> NumPy arrays: ``TorchTensor`` / ``Parameter`` messages and ``State``.

PySyft 0.2.x writes tensors as ``TensorData`` (``contents_data``, serializer ``SERIALIZER_ALL``):
the values are in the repeated field ``contents_<dtype>`` named by ``dtype``, the shape in
``shape.dims``, row-major. syft.js reads only that form, so it is also the form written here.
A tensor in ``contents_bin`` holds framework-specific bytes: ``SERIALIZER_TORCH`` is read with
``torch.load(weights_only=True)`` (no code runs); the other serializers are refused.

>>> read_state("mnist_model_params.state.pb")       # doctest: +SKIP
[array([[ 0.0184, ...]], dtype=float32), ...]
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..errors import PlanFormatError
from . import schema

#: TensorData.dtype -> NumPy dtype, for the dtypes a plan can hold
DTYPES = {"float32": np.float32, "float64": np.float64, "float16": np.float16,
          "int64": np.int64, "int32": np.int32, "int16": np.int16, "int8": np.int8,
          "uint8": np.uint8, "bool": np.bool_}
SERIALIZER_TORCH, SERIALIZER_ALL = 1, 4


def load_bytes(path_or_bytes) -> tuple[bytes, str]:
    """The bytes of a file (or the bytes given) and a name for error messages."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes), "<bytes>"
    path = Path(path_or_bytes)
    try:
        return path.read_bytes(), str(path)
    except OSError as e:
        raise PlanFormatError(f"cannot read {path}: {e.strerror}") from None


def parse(cls, data: bytes, where: str):
    """``cls.FromString(data)``, with a decode error turned into :class:`PlanFormatError`."""
    from google.protobuf.message import DecodeError

    try:
        return cls.FromString(data)
    except DecodeError as e:
        raise PlanFormatError(f"{where}: not a valid {cls.DESCRIPTOR.full_name} protobuf message "
                              f"(truncated or corrupt?): {e}") from None


def unwrap(msg):
    """The ``TorchTensor`` inside a ``TorchTensor``, ``Parameter`` or ``StateTensor``."""
    name = msg.DESCRIPTOR.name
    if name == "StateTensor":
        kind = msg.WhichOneof("tensor")
        return None if kind is None else unwrap(getattr(msg, kind))
    if name == "Parameter":
        return msg.tensor if msg.HasField("tensor") else None
    return msg


def to_array(msg, where: str) -> np.ndarray:
    """The NumPy array held by a ``TorchTensor`` (or ``Parameter`` / ``StateTensor``)."""
    t = unwrap(msg)
    if t is None:
        raise PlanFormatError(f"{where}: holds no tensor")
    kind = t.WhichOneof("contents")
    if kind == "contents_bin":
        return _from_bin(t, where)
    if kind is None:
        raise PlanFormatError(f"{where}: tensor has no contents")
    d = t.contents_data
    dtype = d.dtype.removeprefix("torch.")
    if d.is_quantized or dtype not in DTYPES:
        raise PlanFormatError(f"{where}: tensor dtype {d.dtype!r}{' (quantized)' * d.is_quantized}"
                              f" is not supported; expected one of {', '.join(DTYPES)}")
    shape = tuple(d.shape.dims)
    values = np.asarray(getattr(d, f"contents_{dtype}"), dtype=DTYPES[dtype])
    if values.size != int(np.prod(shape, dtype=np.int64)):
        raise PlanFormatError(f"{where}: {dtype} tensor of shape {list(shape)} holds "
                              f"{values.size} values in contents_{dtype}")
    return values.reshape(shape)


def _from_bin(t, where: str) -> np.ndarray:
    if t.serializer != SERIALIZER_TORCH:
        raise PlanFormatError(f"{where}: tensor is stored as contents_bin with serializer "
                              f"{t.serializer}; threepio reads contents_data (SERIALIZER_ALL) and "
                              "torch.save bytes (SERIALIZER_TORCH) only")
    try:
        import torch

        value = torch.load(io.BytesIO(t.contents_bin), weights_only=True)
    except Exception as e:  # torch.load raises many types for bad bytes
        raise PlanFormatError(f"{where}: contents_bin is not a torch.save tensor: {e}") from None
    if not isinstance(value, torch.Tensor):
        raise PlanFormatError(f"{where}: contents_bin holds a {type(value).__name__}, not a "
                              "tensor")
    return value.detach().cpu().numpy()


def to_tensor(array, tensor_id: int | None = None, tags=()):
    """A ``TorchTensor`` message (``contents_data``, ``SERIALIZER_ALL``) holding ``array``."""
    a = np.asarray(array)
    dtype = next((k for k, v in DTYPES.items() if np.dtype(v) == a.dtype), None)
    if dtype is None:
        raise PlanFormatError(f"cannot write a {a.dtype} tensor to a PySyft plan")
    t = schema.TorchTensor(serializer=SERIALIZER_ALL, tags=list(tags))
    if tensor_id is not None:
        t.id.id_int = tensor_id
    t.contents_data.dtype = dtype
    t.contents_data.shape.dims.extend(int(n) for n in a.shape)
    getattr(t.contents_data, f"contents_{dtype}").extend(a.reshape(-1).tolist())
    return t


def read_state(path_or_bytes) -> list[np.ndarray]:
    """The tensors of a serialized ``syft_proto.execution.v1.State``, in order."""
    data, where = load_bytes(path_or_bytes)
    state = parse(schema.State, data, where)
    return [to_array(t, f"{where}: state tensor {i}") for i, t in enumerate(state.tensors)]


def write_state(arrays, path=None) -> bytes:
    """Serialize arrays as a ``State`` (one placeholder per tensor); write to ``path`` if given.
    Returns the bytes."""
    state = schema.State()
    for i, a in enumerate(arrays):
        state.placeholders.add().id.id_int = i + 1
        state.tensors.add().torch_tensor.CopyFrom(to_tensor(a, i + 1))
    data = state.SerializeToString()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def read_inputs(spec: str) -> list[np.ndarray]:
    """Arrays from a comma-separated list of sources, in order (the CLI's ``--inputs``):
    ``FILE.pb`` (a ``State``: all its tensors), ``FILE.npz`` (all its arrays, in file order) or
    a JSON literal such as ``[64.0]``, typed like ``torch.tensor`` would (floats float32,
    integers int64).

    >>> read_inputs("batch.state.pb,[64.0],[0.005],params.state.pb")   # doctest: +SKIP
    """
    import json

    arrays: list[np.ndarray] = []
    for item in _split_top_level(spec):
        if item.endswith(".pb"):
            arrays += read_state(item)
        elif item.endswith(".npz"):
            try:
                with np.load(item, allow_pickle=False) as f:
                    arrays += [f[k] for k in f.files]
            except (OSError, ValueError) as e:
                raise PlanFormatError(f"cannot read inputs from {item}: {e}") from None
        else:
            try:
                value = np.asarray(json.loads(item))
            except ValueError:
                raise PlanFormatError(f"input {item!r} is not a .pb state, an .npz file or a "
                                      "JSON number or list") from None
            if value.dtype.kind not in "biuf":
                raise PlanFormatError(f"input {item!r} is not numeric")
            kinds = {"f": np.float32, "i": np.int64, "u": np.int64}
            arrays.append(value.astype(kinds.get(value.dtype.kind, value.dtype)))
    return arrays


def _split_top_level(spec: str) -> list[str]:
    """Split at commas outside brackets: ``a.pb,[1, 2],b.npz`` -> three items."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(spec):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            items.append(spec[start:i])
            start = i + 1
    items.append(spec[start:])
    return [s.strip() for s in items if s.strip()]
