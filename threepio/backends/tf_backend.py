"""TensorFlow backend: ``tf.*`` commands of TensorFlow 2, run eagerly or, with
``compile=True``, as one ``tf.function`` over the whole op list (traced once per plan)."""

from __future__ import annotations

import os

from ..rules.loader import load_rules
from .base import Interpreter, resolve_path


def import_tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    return tf


class TfInterpreter(Interpreter):
    namespace = "tf"

    def __init__(self, compile: bool = False):
        super().__init__()
        self.tf = import_tf()
        self.allowed = load_rules("tf").commands
        self.compile = compile
        self._functions: dict = {}

    def lookup(self, target):
        return resolve_path(self.tf, "tensorflow", target, self.allowed)

    def to_native(self, array, type_):
        return self.tf.convert_to_tensor(array)

    def to_numpy(self, value):
        return value.numpy()

    def execute(self, plan, natives, keep_all=False):
        if not self.compile or keep_all:
            return super().execute(plan, natives, keep_all)
        key = id(plan)
        fn = self._functions.get(key)
        if fn is None or fn[0] is not plan:
            f = self.tf.function(lambda *xs: super(TfInterpreter, self).execute(plan, xs)[0])
            fn = self._functions[key] = (plan, f)
        return list(fn[1](*natives)), {}
