"""The main job (`make demo`): the federated-learning demo's MNIST training step, end to end.

1. trace ``mlp_step`` (forward, softmax cross-entropy, backward, SGD, accuracy) to Core ATen;
2. translate it to TF.js and write the op list to ``out/mnist_step.tfjs.json``;
3. run it on TF.js in Node (cpu and wasm backends), on TensorFlow and on NumPy;
4. print the cross-check against PyTorch for every output.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mnist  # noqa: E402

import threepio  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "out"


def main() -> int:
    t0 = time.perf_counter()
    plan = threepio.trace(mnist.mlp_step, mnist.mlp_step_example(),
                          output_names=mnist.MLP_STEP_OUTPUTS)
    t1 = time.perf_counter()
    tfjs = threepio.translate(plan, "tfjs")
    t2 = time.perf_counter()
    OUT.mkdir(exist_ok=True)
    (OUT / "mnist_step.aten.txt").write_text(str(plan))
    (OUT / "mnist_step.tfjs.json").write_text(tfjs.to_json())
    (OUT / "mnist_step.tfjs.txt").write_text(str(tfjs))
    print(f"traced {plan.name}: {len(plan.inputs)} inputs, {len(plan.ops)} Core ATen ops "
          f"({(t1 - t0) * 1000:.0f} ms)")
    print(f"translated to TF.js: {len(tfjs.ops)} ops, {len(tfjs.constants)} constants "
          f"({(t2 - t1) * 1000:.1f} ms); wrote {OUT / 'mnist_step.tfjs.json'}")
    print("first ops of the TF.js op list:")
    from threepio.plan_text import format_op

    for op in tfjs.ops[:6]:
        print("   ", format_op(op))
    print(f"    ... ({len(tfjs.casts)} dtype changes recorded: TF.js computes int64 values "
          "in int32)")
    print()
    report = threepio.check(plan, targets=("tfjs:cpu", "tfjs:wasm", "tf", "numpy"))
    print(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
