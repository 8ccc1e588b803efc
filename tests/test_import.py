"""`import threepio` stays light: no torch, no TensorFlow until they are needed."""

import subprocess
import sys


def test_import_does_not_load_frameworks():
    code = ("import sys, threepio; p = threepio.load('tests/data/tiny.tfjs.json');"
            "bad = [m for m in ('torch', 'tensorflow') if m in sys.modules];"
            "print(','.join(bad) or 'clean')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "clean"


def test_translating_and_running_on_tfjs_needs_no_framework():
    code = ("import sys, numpy as np, threepio;"
            "p = threepio.load('tests/data/tiny.tfjs.json');"
            "(y,) = threepio.run(p, [np.array([[1., -2.]], np.float32)]);"
            "assert y.tolist() == [[1.0, 0.0]], y;"
            "bad = [m for m in ('torch', 'tensorflow') if m in sys.modules];"
            "print(','.join(bad) or 'clean')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "clean"
