"""TensorFlow backend: ``tf.*`` commands of TensorFlow 2, run eagerly or, with
``compile=True``, as one ``tf.function`` over the whole op list (traced once per plan)."""

from __future__ import annotations

import os
import sys

from ..errors import BackendUnavailable
from ..rules.loader import load_rules
from .base import Interpreter, resolve_path


def import_tf():
    """Import TensorFlow (4-6 s, once). Its C++ start-up banners (oneDNN notices) go to the
    process's stderr whatever TF_CPP_MIN_LOG_LEVEL says, so stderr is muted while it loads."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.constant(0.0) + 0.0  # the first op prints the rest of the banners
    except ImportError as e:
        raise BackendUnavailable(f"TensorFlow is not installed ({e}): pip install "
                                 "'threepio[tf]'") from None
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
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
            f = self.tf.function(
                lambda *xs: super(TfInterpreter, self).execute(plan, xs, guards="return")[0])
            fn = self._functions[key] = (plan, f)
        outs = list(fn[1](*natives))
        n = len(plan.outputs)
        self.check_guards(plan, outs[n:])
        return outs[:n], {}
