"""The syft-proto 0.5.x messages threepio reads and writes, built at import time.

PySyft 0.2.x serialized plans with the ``syft-proto`` package, whose generated ``_pb2`` modules
need ``protobuf<3.21``. Instead of those, this module declares just the messages a plan needs,
in a proto-like notation that mirrors the schema in the fixtures' README (package names and
field numbers are the wire format and must not change), builds
``google.protobuf.descriptor_pb2.FileDescriptorProto`` objects from it in a private descriptor
pool and gets message classes from ``message_factory.GetMessageClass``.

Fields left out (``Plan.input_types``, ...) are kept as unknown fields by protobuf: a message
read and written again keeps them. ``map<K, V>`` fields become repeated ``*Entry`` messages with
``key = 1`` and ``value = 2``, exactly as protoc does. Enum fields are declared ``int32``, which
has the same wire format.

>>> from threepio.pysyft.schema import Plan
>>> Plan.FromString(data).roles["torch"].actions[0].command   # doctest: +SKIP
'matmul'
"""

from __future__ import annotations

import re

from ..errors import BackendUnavailable

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError:  # pragma: no cover - protobuf is a dev/optional dependency
    raise BackendUnavailable("reading and writing PySyft plans needs the protobuf package "
                             "(pip install 'protobuf>=4.25')") from None

__all__ = ["Plan", "Role", "ComputationAction", "PlaceholderId", "Placeholder", "State",
           "StateTensor", "Id", "Arg", "ArgList", "Shape", "TorchTensor", "TensorData", "Size",
           "Parameter", "PointerTensor", "message_class"]

# One entry per .proto file: (file name, package, its messages). Types are written relative to
# the ``syft_proto`` package, as in the README; ``| name`` puts a field in oneof ``name``.
# Files are ordered so each depends only on earlier ones (protobuf files may not import in
# cycles), which is how syft-proto splits them too.
_FILES = [
    ("syft_proto/types/syft/v1/id.proto", "syft_proto.types.syft.v1", """
        message Id {
          int64 id_int = 1 | id;
          string id_str = 2 | id;
        }
        message Shape {
          repeated int32 dims = 1;
        }"""),
    ("syft_proto/types/torch/v1/tensor.proto", "syft_proto.types.torch.v1", """
        message Size {
          repeated int32 dims = 1;
        }
        message TensorData {
          types.torch.v1.Size shape = 1;
          string dtype = 2;
          bool is_quantized = 3;
          float scale = 4;
          int32 zero_point = 5;
          repeated uint32 contents_uint8 = 16;
          repeated int32 contents_int8 = 17;
          repeated int32 contents_int16 = 18;
          repeated int32 contents_int32 = 19;
          repeated int64 contents_int64 = 20;
          repeated float contents_float16 = 21;
          repeated float contents_float32 = 22;
          repeated double contents_float64 = 23;
          repeated bool contents_bool = 24;
          repeated sint32 contents_qint8 = 25;
          repeated uint32 contents_quint8 = 26;
          repeated sint32 contents_qint32 = 27;
          repeated float contents_bfloat16 = 28;
        }
        message TorchTensor {
          types.syft.v1.Id id = 1;
          types.torch.v1.TensorData contents_data = 2 | contents;
          bytes contents_bin = 3 | contents;
          types.torch.v1.TorchTensor chain = 4;
          types.torch.v1.TorchTensor grad_chain = 5;
          repeated string tags = 6;
          string description = 7;
          int32 serializer = 8;
        }
        message Parameter {
          types.syft.v1.Id id = 1;
          types.torch.v1.TorchTensor tensor = 2;
          bool requires_grad = 3;
          types.torch.v1.TorchTensor grad = 4;
        }"""),
    ("syft_proto/generic/pointers/v1/pointer_tensor.proto", "syft_proto.generic.pointers.v1", """
        message PointerTensor {
          types.syft.v1.Id object_id = 1;
          types.syft.v1.Id location_id = 2;
          types.syft.v1.Id object_id_at_location = 3;
          types.torch.v1.Size shape = 4;
          bool garbage_collect_data = 5;
          repeated string tags = 6;
          string description = 7;
        }"""),
    ("syft_proto/execution/v1/placeholder.proto", "syft_proto.execution.v1", """
        message PlaceholderId {
          types.syft.v1.Id id = 1;
        }
        message Placeholder {
          types.torch.v1.TorchTensor child_tensor = 1 | child;
          types.torch.v1.Parameter child_parameter = 2 | child;
          types.syft.v1.Id id = 3;
          repeated string tags = 4;
          string description = 5;
          types.syft.v1.Shape expected_shape = 6;
        }"""),
    ("syft_proto/types/syft/v1/arg.proto", "syft_proto.types.syft.v1", """
        message Arg {
          bool arg_bool = 1 | arg;
          int64 arg_int = 2 | arg;
          float arg_float = 3 | arg;
          string arg_str = 4 | arg;
          types.syft.v1.Shape arg_shape = 5 | arg;
          types.torch.v1.TorchTensor arg_tensor = 6 | arg;
          types.torch.v1.Parameter arg_torch_param = 7 | arg;
          generic.pointers.v1.PointerTensor arg_pointer_tensor = 8 | arg;
          execution.v1.Placeholder arg_placeholder = 9 | arg;
          execution.v1.PlaceholderId arg_placeholder_id = 10 | arg;
          types.syft.v1.ArgList arg_list = 11 | arg;
        }
        message ArgList {
          repeated types.syft.v1.Arg args = 1;
        }"""),
    ("syft_proto/execution/v1/plan.proto", "syft_proto.execution.v1", """
        message ComputationAction {
          string command = 1;
          types.syft.v1.Id target_id = 9 | target;
          generic.pointers.v1.PointerTensor target_pointer = 2 | target;
          execution.v1.PlaceholderId target_placeholder_id = 3 | target;
          types.torch.v1.TorchTensor target_tensor = 4 | target;
          repeated types.syft.v1.Arg args = 5;
          map<string, types.syft.v1.Arg> kwargs = 6;
          repeated types.syft.v1.Id return_ids = 7;
          repeated execution.v1.PlaceholderId return_placeholder_ids = 8;
        }
        message StateTensor {
          types.torch.v1.TorchTensor torch_tensor = 1 | tensor;
          types.torch.v1.Parameter torch_param = 2 | tensor;
        }
        message State {
          repeated execution.v1.Placeholder placeholders = 1;
          repeated execution.v1.StateTensor tensors = 2;
        }
        message Role {
          types.syft.v1.Id id = 1;
          repeated execution.v1.ComputationAction actions = 2;
          execution.v1.State state = 3;
          repeated execution.v1.Placeholder placeholders = 4;
          repeated types.syft.v1.Id input_placeholder_ids = 5;
          repeated types.syft.v1.Id output_placeholder_ids = 6;
          repeated string tags = 7;
          string description = 8;
        }
        message Plan {
          types.syft.v1.Id id = 1;
          execution.v1.Role role = 2;
          bool include_state = 3;
          string name = 4;
          repeated string tags = 5;
          string description = 6;
          bytes torchscript = 7;
          string base_framework = 9;
          map<string, execution.v1.Role> roles = 10;
        }"""),
]

_F = descriptor_pb2.FieldDescriptorProto
_SCALARS = {n: getattr(_F, f"TYPE_{n.upper()}") for n in (
    "bool", "int32", "int64", "uint32", "sint32", "float", "double", "string", "bytes")}
_MESSAGE_RE = re.compile(r"message (\w+) \{(.*?)\}", re.S)
_FIELD_RE = re.compile(r"(repeated )?(map<(\w+), ([\w.]+)>|[\w.]+) (\w+) = (\d+)(?: \| (\w+))?;")


def _set_type(field, type_name: str) -> None:
    if type_name in _SCALARS:
        field.type = _SCALARS[type_name]
    else:
        field.type, field.type_name = _F.TYPE_MESSAGE, f".syft_proto.{type_name}"


def _message(fdp, name: str, body: str) -> None:
    msg = fdp.message_type.add(name=name)
    oneofs: list[str] = []
    for line in filter(None, (ln.strip() for ln in body.splitlines())):
        m = _FIELD_RE.fullmatch(line)
        if m is None:
            raise ValueError(f"schema line not understood: {line!r}")
        repeated, type_name, key_type, value_type, fname, number, oneof = m.groups()
        field = msg.field.add(name=fname, number=int(number), json_name=_camel(fname))
        field.label = _F.LABEL_REPEATED if repeated or key_type else _F.LABEL_OPTIONAL
        if key_type:  # map<K, V> is a repeated nested XxxEntry {K key = 1; V value = 2;}
            entry = msg.nested_type.add(name=_camel(fname, upper=True) + "Entry")
            entry.options.map_entry = True
            for i, (n, t) in enumerate((("key", key_type), ("value", value_type)), start=1):
                _set_type(entry.field.add(name=n, number=i, label=_F.LABEL_OPTIONAL,
                                          json_name=n), t)
            field.type = _F.TYPE_MESSAGE
            field.type_name = f".{fdp.package}.{name}.{entry.name}"
        else:
            _set_type(field, type_name)
        if oneof:
            if oneof not in oneofs:
                oneofs.append(oneof)
                msg.oneof_decl.add(name=oneof)
            field.oneof_index = oneofs.index(oneof)


def _camel(name: str, upper: bool = False) -> str:
    parts = name.split("_")
    first = parts[0].capitalize() if upper else parts[0]
    return first + "".join(p.capitalize() for p in parts[1:])


def _build() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    for i, (file_name, package, text) in enumerate(_FILES):
        fdp = descriptor_pb2.FileDescriptorProto(name=file_name, package=package,
                                                 syntax="proto3")
        fdp.dependency.extend(f for f, _, _ in _FILES[:i])
        for name, body in _MESSAGE_RE.findall(text):
            _message(fdp, name, body)
        pool.Add(fdp)
    return pool


_POOL = _build()


def message_class(full_name: str):
    """The message class of a schema message, e.g. ``syft_proto.execution.v1.Plan``."""
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


Plan = message_class("syft_proto.execution.v1.Plan")
Role = message_class("syft_proto.execution.v1.Role")
ComputationAction = message_class("syft_proto.execution.v1.ComputationAction")
PlaceholderId = message_class("syft_proto.execution.v1.PlaceholderId")
Placeholder = message_class("syft_proto.execution.v1.Placeholder")
State = message_class("syft_proto.execution.v1.State")
StateTensor = message_class("syft_proto.execution.v1.StateTensor")
Id = message_class("syft_proto.types.syft.v1.Id")
Arg = message_class("syft_proto.types.syft.v1.Arg")
ArgList = message_class("syft_proto.types.syft.v1.ArgList")
Shape = message_class("syft_proto.types.syft.v1.Shape")
TorchTensor = message_class("syft_proto.types.torch.v1.TorchTensor")
TensorData = message_class("syft_proto.types.torch.v1.TensorData")
Size = message_class("syft_proto.types.torch.v1.Size")
Parameter = message_class("syft_proto.types.torch.v1.Parameter")
PointerTensor = message_class("syft_proto.generic.pointers.v1.PointerTensor")
