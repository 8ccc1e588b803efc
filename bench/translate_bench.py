"""Translation speed: per-op time for the MNIST training plan and a synthetic 10,000-op plan.

    make bench            # or: .venv/bin/python bench/translate_bench.py
"""

import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "examples")]

from threepio.ir import Op, Plan, Ref, TensorType, Value  # noqa: E402
from threepio.rules.loader import _cached, load_rules  # noqa: E402
from threepio.translator import translate  # noqa: E402


def synthetic(n_ops: int) -> Plan:
    """A chain of common ops (matmul, bias, activations, reductions, reshapes) of n_ops ops."""
    f = TensorType("float32", (64, 64))
    plan = Plan("synthetic", "aten", [Value("x", f), Value("w", f), Value("b", TensorType(
        "float32", (64,)))])
    cur, k = "x", 0
    pattern = [
        ("aten.addmm.default", lambda c: (Ref("b"), Ref(c), Ref("w")), {}, f),
        ("aten.relu.default", lambda c: (Ref(c),), {}, f),
        ("aten.mul.Tensor", lambda c: (Ref(c), 0.5), {}, f),
        ("aten.add.Tensor", lambda c: (Ref(c), Ref("x")), {"alpha": 1}, f),
        ("aten.permute.default", lambda c: (Ref(c), [1, 0]), {}, f),
        ("aten._log_softmax.default", lambda c: (Ref(c), 1, False), {}, f),
        ("aten.view.default", lambda c: (Ref(c), [64, 64]), {}, f),
        ("aten.where.self", lambda c: (Ref("m"), Ref(c), Ref("x")), {}, f),
    ]
    plan.ops.append(Op("aten.gt.Scalar", (Ref("x"), 0.0), {},
                       [Value("m", TensorType("bool", (64, 64)))]))
    while len(plan.ops) < n_ops:
        target, args, kwargs, t = pattern[k % len(pattern)]
        name = f"v{k}"
        plan.ops.append(Op(target, args(cur), kwargs, [Value(name, t)], "synthetic.py:1"))
        cur, k = name, k + 1
    plan.outputs = [Ref(cur)]
    return plan.lint()


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times)


def main():
    import mnist

    import threepio

    print("cold start (parse and compile every rule of each target):")
    for target in ("tfjs", "tf", "numpy"):
        _cached.cache_clear()
        t = timed(lambda: load_rules(target), 1)  # noqa: B023
        print(f"  {target:<6} {len(load_rules(target).rules):>4} rules   {t * 1000:8.1f} ms")
    mnist_plan = threepio.trace(mnist.mlp_step, mnist.mlp_step_example())
    big = synthetic(10_000)
    print("\nwarm translation (median of repeated runs):")
    print(f"  {'plan':<22} {'target':<6} {'ops':>6} {'total':>10} {'per op':>10}")
    for plan, repeat in ((mnist_plan, 50), (big, 5)):
        for target in ("tfjs", "tf", "numpy"):
            t = timed(lambda: translate(plan, target), repeat)  # noqa: B023
            print(f"  {plan.name:<22} {target:<6} {len(plan.ops):>6} {t * 1000:>8.2f} ms "
                  f"{t / len(plan.ops) * 1e6:>7.1f} us")


if __name__ == "__main__":
    main()
