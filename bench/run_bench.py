"""Run time of the MNIST training step: PyTorch eager against its translations on TF.js (Node,
cpu and wasm backends), TensorFlow (eager and tf.function) and NumPy.

The TF.js figure is measured two ways: inside the worker (plan execution plus reading the
outputs back) and around the Python call (adds the transfer of 1.3 MB of inputs and outputs).

    make bench            # or: .venv/bin/python bench/run_bench.py
"""

import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "examples")]


def timed(fn, repeat=30, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times) * 1000


def main():
    import mnist
    import torch

    import threepio
    from threepio.backends.tfjs import get_worker

    example = mnist.mlp_step_example()
    plan = threepio.trace(mnist.mlp_step, example)
    arrays = plan.examples

    def eager():
        leaves = [t.clone().requires_grad_(t.is_floating_point()) for t in example]
        mnist.mlp_step(*leaves)

    rows = [("PyTorch eager (autograd)", timed(eager), "")]
    rows.append(("PyTorch, traced plan", timed(lambda: threepio.run(plan, arrays)), ""))
    tfjs = threepio.translate(plan, "tfjs")
    for backend in ("cpu", "wasm"):
        worker = get_worker(backend)
        inside = []

        def call(backend=backend, worker=worker, inside=inside):
            threepio.run(tfjs, arrays, tfjs_backend=backend)
            inside.append(worker.last_run_ms)

        total = timed(call)
        rows.append((f"TF.js {backend} (Node worker)", total,
                     f"in worker {median(inside):.2f} ms"))
    tf_plan = threepio.translate(plan, "tf")
    rows.append(("TensorFlow eager", timed(lambda: threepio.run(tf_plan, arrays)), ""))
    rows.append(("TensorFlow tf.function",
                 timed(lambda: threepio.run(tf_plan, arrays, compile=True)), ""))
    np_plan = threepio.translate(plan, "numpy")
    rows.append(("NumPy", timed(lambda: threepio.run(np_plan, arrays)), ""))
    print(f"MNIST training step (batch {mnist.BATCH}, 784-392-10), median of 30 runs, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    base = rows[0][1]
    for name, ms, note in rows:
        print(f"  {name:<28} {ms:>8.2f} ms  {ms / base:>6.2f}x eager  {note}")


if __name__ == "__main__":
    main()
