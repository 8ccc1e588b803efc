"""Transposes per model after the layout pass (and before it), per target, with translation
time: the numbers the layout pass is judged by.

    python bench/layout_bench.py
"""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "examples")]

import mnist  # noqa: E402
from zoo import cnn, seq  # noqa: E402

import threepio  # noqa: E402
from threepio.translator import translate  # noqa: E402

MODELS = [
    ("LeNet-5", mnist.LeNet5(), mnist.lenet_example()),
    ("LeNet-5 training step", mnist.lenet_step, mnist.lenet_step_example()),
    ("ResNet blocks (eval)", cnn.ResNetBlocks(), cnn.ResNetBlocks_example()),
    ("ResNet blocks training step", cnn.resnet_step, cnn.resnet_step_example()),
    ("MobileNet block", cnn.MobileNetBlock(), cnn.MobileNetBlock_example()),
    ("MobileNet training step", cnn.mobilenet_step, cnn.mobilenet_step_example()),
    ("TransformerEncoderLayer", seq.TransformerPost(), seq.TransformerPost_example()),
    ("LSTM + head", seq.LSTMHead(), seq.LSTMHead_example()),
]


def main():
    print(f"{'model':<30} {'ops':>5} {'target':<6} {'transposes':>10} {'before':>7} "
          f"{'translate':>10}")
    for name, fn, example in MODELS:
        fn = fn.eval() if hasattr(fn, "eval") and name.endswith(("(eval)", "block", "5",
                                                                  "head", "Layer")) else fn
        plan = threepio.trace(fn, example)
        for target in ("tfjs", "tf"):
            translate(plan, target)
            t0 = time.perf_counter()
            out = translate(plan, target)
            ms = (time.perf_counter() - t0) * 1e3
            print(f"{name:<30} {len(plan.ops):>5} {target:<6} {out.layout['transposes']:>10} "
                  f"{out.layout['before']:>7} {ms:>8.1f}ms")


if __name__ == "__main__":
    main()
