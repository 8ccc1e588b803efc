"""threepio.compat against the 2020 library it replaces (openmined-threepio 0.2.0), side by side:
construction time, warm single-command translations per second, the 95 actions of PySyft's
MNIST training plan, and how many commands each direction resolves.

The 2020 library runs in its own virtualenv (never a dependency of threepio), through a
subprocess. Without it only threepio's half runs; ``--install-reference`` creates it:

    .venv/bin/python bench/compat_bench.py [--reference-venv /tmp/old3pio] [--install-reference]

The MNIST plan is the PySyft fixture ``mnist_plan.pb`` (``$THREEPIO_PYSYFT_FIXTURES``,
``tests/data/pysyft`` or ``../shared/fixtures/pysyft``); PySyft's translator made one command
per action: the name's last part, the target placeholder first.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DIRECTIONS = [("torch", "tfjs"), ("torch", "tf"), ("torch", "numpy"), ("tf", "tfjs"),
              ("tfjs", "tf"), ("tf", "torch"), ("tfjs", "torch"), ("numpy", "torch")]
REFERENCE = "openmined-threepio==0.2.0"

# Runs inside the reference virtualenv; reads {"actions", "repeat"} on stdin, prints JSON.
OLD_SCRIPT = r'''
import copy, json, sys, time
from pythreepio.command import Command
from pythreepio.threepio import Threepio

spec = json.load(sys.stdin)

class PH:  # a PySyft-like placeholder
    def __init__(self, i): self.id = i

def dec(a):
    if isinstance(a, dict): return PH(a["ph"])
    return [dec(x) for x in a] if isinstance(a, list) else a

actions = [(n, [dec(a) for a in args], {k: dec(v) for k, v in kw.items()})
           for n, args, kw in spec["actions"]]
out = {}
t0 = time.perf_counter()
Threepio("torch", "tfjs", None)
out["construct_first"] = time.perf_counter() - t0
t0 = time.perf_counter()
for _ in range(20): Threepio("torch", "tfjs", None)
out["construct"] = (time.perf_counter() - t0) / 20
tp, cmd = Threepio("torch", "tfjs", None), Command("add", [PH(1), PH(2)], {})
tp.translate(cmd)
t0 = time.perf_counter()
for _ in range(spec["repeat"]): tp.translate(cmd)
out["add_per_s"] = spec["repeat"] / (time.perf_counter() - t0)

def mnist(fresh):
    inst, errors, t0 = Threepio("torch", "tfjs", None), {}, time.perf_counter()
    for name, args, kw in actions:
        try:
            (Threepio("torch", "tfjs", None) if fresh else inst).translate(
                Command(name, list(args), dict(kw)))
        except Exception as e:
            k = f"{name}: {type(e).__name__}"; errors[k] = errors.get(k, 0) + 1
    return time.perf_counter() - t0, errors

if actions:
    runs = sorted((mnist(False) for _ in range(7)), key=lambda r: r[0])
    out["mnist_warm"], out["mnist_errors"] = runs[3]  # the median
    out["mnist_pysyft"], _ = mnist(True)
counts = {}
for src, dst in [("torch", "tfjs"), ("torch", "tf"), ("tf", "tfjs"), ("tfjs", "tf"),
                 ("tf", "torch"), ("tfjs", "torch")]:
    tp = Threepio(src, dst, None)
    multi = {k: copy.deepcopy(v) for k, v in tp.commands[src].items() if len(v) > 1}
    ok = 0
    for key in list(tp.commands[src]):
        try:
            tp.translate(Command(key, [], {})); ok += 1
        except Exception:
            pass
        tp.commands[src].update(copy.deepcopy(multi))  # translate_multi pops the shared table
    counts[f"{src}->{dst}"] = [ok, len(tp.commands[src])]
out["counts"] = counts
print(json.dumps(out))
'''


class PlaceholderId:
    """PySyft's PlaceholderId: compared by value."""

    __slots__ = ("id",)

    def __init__(self, value):
        self.id = value

    def __eq__(self, other):
        return isinstance(other, PlaceholderId) and other.id == self.id

    def __hash__(self):
        return hash(self.id)


def mnist_plan():
    """(commands, input types) of the PySyft MNIST plan's 95 actions, or None."""
    for d in (os.environ.get("THREEPIO_PYSYFT_FIXTURES"), ROOT / "tests/data/pysyft",
              ROOT.parent / "shared/fixtures/pysyft"):
        if d and (Path(d) / "mnist_plan.pb").is_file():
            path = Path(d) / "mnist_plan.pb"
            break
    else:
        return None
    from threepio.compat import pysyft_commands

    cmds, types, _ = pysyft_commands(path, placeholder=PlaceholderId)
    return cmds, types


def encode(a):
    if isinstance(a, PlaceholderId):
        return {"ph": a.id}
    return [encode(x) for x in a] if isinstance(a, list) else a


def reference(venv: Path, cmds, repeat: int, install: bool):
    py = venv / "bin" / "python"
    if install and not py.exists():
        print(f"creating the reference virtualenv {venv} ({REFERENCE}) ...")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", REFERENCE], check=True)
    ok = py.exists() and subprocess.run([str(py), "-c", "import pythreepio"],
                                        capture_output=True).returncode == 0
    if not ok:
        print(f"\n2020 library: not found in {venv} - only threepio's half runs.\n  create it "
              f"with --install-reference, or: python3 -m venv {venv} && {venv}/bin/pip install "
              f"{REFERENCE}")
        return None
    spec = {"repeat": repeat, "actions": [
        [c.function_name, encode(c.args), {k: encode(v) for k, v in c.kwargs.items()}]
        for c in cmds or []]}
    run = subprocess.run([str(py), "-c", OLD_SCRIPT], input=json.dumps(spec), text=True,
                         capture_output=True, cwd="/")
    if run.returncode:
        print(f"\n2020 library failed:\n{run.stderr}")
        return None
    return json.loads(run.stdout)


# A fresh process: importing, the first construction (compiles tfjs.yaml) and the first
# translation (imports torch to infer the output type).
COLD_SCRIPT = r'''
import json, time
t0 = time.perf_counter()
from threepio import compat
from threepio.ir import TensorType
t1 = time.perf_counter()
tp = compat.Threepio("torch", "tfjs")
t2 = time.perf_counter()
f = TensorType("float32", (64, 10))
tp.translate(compat.Command("add", [compat.Placeholder(1), compat.Placeholder(2)], {}), [f, f])
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "construct_first": t2 - t1, "first_translation": t3 - t2}))
'''


def ours(plan, repeat: int) -> dict:
    from threepio import compat
    from threepio.ir import TensorType

    cold = subprocess.run([sys.executable, "-c", COLD_SCRIPT], capture_output=True, text=True,
                          cwd=ROOT, check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    out = json.loads(cold.stdout)
    compat.Threepio("torch", "tfjs")
    t0 = time.perf_counter()
    for _ in range(1000):
        compat.Threepio("torch", "tfjs")
    out["construct"] = (time.perf_counter() - t0) / 1000
    f32 = TensorType("float32", (64, 10))
    tp = compat.Threepio("torch", "tfjs")
    add = compat.Command("add", [PlaceholderId(1), PlaceholderId(2)], {},
                         placeholder_output=PlaceholderId(3))
    for name, cmd, types in (("add", add, [f32, f32]), ("linear", compat.Command(
            "linear", [PlaceholderId(1), PlaceholderId(2), PlaceholderId(4)], {},
            placeholder_output=PlaceholderId(3)), [f32, TensorType("float32", (5, 10)),
                                                    TensorType("float32", (5,))])):
        tp.translate(cmd, types=types)
        t0 = time.perf_counter()
        for _ in range(repeat):
            tp.translate(cmd, types=types)
        out[f"{name}_per_s"] = repeat / (time.perf_counter() - t0)
    if plan is not None:
        cmds, types = plan
        cmds = [compat.Command("add", c.args, c.kwargs, placeholder_output=c.placeholder_output)
                if c.function_name == "add_" else c for c in cmds]  # the PySyft reader's rewrite
        compat._template.cache_clear()
        t0 = time.perf_counter()
        tp.translate_all(cmds, types)
        out["mnist_cold"] = time.perf_counter() - t0  # every distinct command translated anew
        runs = []
        for _ in range(20):
            t0 = time.perf_counter()
            result = tp.translate_all(cmds, types)
            runs.append(time.perf_counter() - t0)
        out["mnist_warm"] = median(runs)
        out["mnist_commands"] = sum(map(len, result))
    out["counts"] = {f"{a}->{b}": len(compat.Threepio(a, b).commands()) for a, b in DIRECTIONS}
    return out


def row(label, new, old, unit, scale=1.0, higher_is_better=False):
    fmt = (lambda v: f"{v * scale:12.3f} {unit}") if scale != 1 else (lambda v: f"{v:12,.0f} "
                                                                              f"{unit}")
    line = f"  {label:<44}{fmt(new)}"
    if old is not None:
        ratio = new / old if higher_is_better else old / new
        line += f"  {fmt(old)}   " + (f"x{ratio:.1f} faster" if ratio >= 1 else
                                      f"x{1 / ratio:.1f} slower")
    print(line)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference-venv", type=Path, default=Path("/tmp/old3pio"))
    ap.add_argument("--install-reference", action="store_true",
                    help=f"create the reference virtualenv with {REFERENCE} if missing")
    ap.add_argument("--repeat", type=int, default=20000)
    args = ap.parse_args(argv)
    plan = mnist_plan()
    if plan is None:
        print("PySyft MNIST fixture (mnist_plan.pb) not found: the MNIST rows are skipped; "
              "set THREEPIO_PYSYFT_FIXTURES")
    old = reference(args.reference_venv, plan[0] if plan else None, args.repeat,
                    args.install_reference)
    new = ours(plan, args.repeat)
    o = old or {}
    print(f"\n  {'':<44}{'threepio.compat':>15}  {'2020 (0.2.0)':>15}   ratio")
    print(f"  fresh process: import threepio.compat {new['import'] * 1e3:.0f} ms, first "
          f"translation (imports torch) {new['first_translation'] * 1e3:.0f} ms")
    row("construction, first in the process", new["construct_first"],
        o.get("construct_first"), "ms", 1e3)
    row("construction, warm", new["construct"], o.get("construct"), "ms", 1e3)
    row("translations/s, add (warm instance)", new["add_per_s"], o.get("add_per_s"), "/s",
        higher_is_better=True)
    row("translations/s, linear (2020: crashes)", new["linear_per_s"], None, "/s")
    if plan is not None:
        n = len(plan[0])
        row(f"MNIST {n} actions, warm", new["mnist_warm"], o.get("mnist_warm"), "ms", 1e3)
        row(f"MNIST {n} actions, cold cache", new["mnist_cold"], None, "ms", 1e3)
        row(f"MNIST {n}, 2020 as PySyft did it (new each)", new["mnist_warm"],
            o.get("mnist_pysyft"), "ms", 1e3)
        print(f"  ours: {new['mnist_commands']} commands, exact, checked by the rules")
        if old:
            print(f"  2020: errors on {sum(old['mnist_errors'].values())} actions "
                  f"({', '.join(f'{k} x{v}' for k, v in old['mnist_errors'].items()) or 'none'})"
                  ", and results that are wrong (tf.layers.reshape, keepdim untranslated...)")
    print("\n  commands per direction    threepio.compat   2020 resolved / table")
    for a, b in DIRECTIONS:
        ref = o.get("counts", {}).get(f"{a}->{b}")
        print(f"  {a + ' -> ' + b:<26}{new['counts'][f'{a}->{b}']:>15}   "
              f"{f'{ref[0]} / {ref[1]}' if ref else '-':>19}")


if __name__ == "__main__":
    main()
