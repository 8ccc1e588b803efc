"""Tracing speed: an expansion (an unrolled program of a few hundred to a few thousand ATen
ops) traced by make_fx (``trace_aten``) and by the dispatch-mode recorder (``record_aten``)
the translator uses for expansions, and one OpInfo-sized program by ``trace_aten``.

    make bench            # or: .venv/bin/python bench/trace_bench.py
"""

import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import torch  # noqa: E402
from test_expansions import CASES, _program  # noqa: E402

from threepio.tracing.aten import trace_aten  # noqa: E402
from threepio.tracing.record import record_aten  # noqa: E402


def timed(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return median(times), out


def main():
    print(f"{'program':<44} {'ops':>6} {'make_fx ms':>11} {'recorder ms':>12} {'speedup':>8}")
    for name, k in (("special_chebyshev_polynomial_t_f32", 0), ("linalg_lu_factor_ex", 0),
                    ("linalg_svd_values", 0), ("linalg_cholesky_ex", 0), ("special_zeta", 0)):
        fn, tensors = _program(name, *CASES[name][1][k])
        t_fx, plan = timed(lambda f=fn, ts=tensors: trace_aten(
            f, ts, requires_grad=False, source_lines=False))
        t_rec, _ = timed(lambda f=fn, ts=tensors: record_aten(f, ts))
        shapes = ",".join("x".join(map(str, t.shape)) or "()" for t in tensors)
        print(f"{name + ' ' + shapes:<44.44} {len(plan.ops):>6} {t_fx * 1e3:>11.1f} "
              f"{t_rec * 1e3:>12.1f} {t_fx / t_rec:>7.1f}x")
    x = torch.randn(2, 3, 8, 8)
    t, plan = timed(lambda: trace_aten(lambda a: torch.nn.functional.max_pool2d(a, 2), (x,),
                                       requires_grad=False, source_lines=False), repeat=20)
    print(f"{'max_pool2d 2x3x8x8 (one op)':<44} {len(plan.ops):>6} {t * 1e3:>11.1f}")


if __name__ == "__main__":
    main()
