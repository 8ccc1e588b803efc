"""The ``threepio`` command line: a thin layer over the library.

Each subcommand turns flags into a library call; errors become one clear message on stderr and
an exit code from :class:`Exit`. ``main(argv)`` runs in-process (the tests call it).
"""

from __future__ import annotations

import argparse
import json
import sys
from enum import IntEnum

from . import errors


class Exit(IntEnum):
    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    BAD_INPUT = 3          # malformed plan, wrong inputs
    REFUSED = 4            # no exact translation
    EXECUTION = 5          # a backend failed while running
    TRACE = 6
    RULES = 7              # a mapping file is broken
    UNAVAILABLE = 8        # a framework or Node is missing


_EXIT_FOR = [
    (errors.TranslationError, Exit.REFUSED), (errors.PlanFormatError, Exit.BAD_INPUT),
    (errors.PlanInputError, Exit.BAD_INPUT), (errors.PlanLintError, Exit.BAD_INPUT),
    (errors.RuleFileError, Exit.RULES), (errors.TraceError, Exit.TRACE),
    (errors.BackendUnavailable, Exit.UNAVAILABLE), (errors.ExecutionError, Exit.EXECUTION),
]


def _plan_arg(args, *, allow_program=True):
    """A plan from a .json/.txt file, or a ``FILE.py:NAME`` program traced now."""
    from .loading import load_plan_file, load_program

    src = args.plan
    if src.endswith(".pb"):
        return _pysyft_plan(args)
    if allow_program and ".py:" in src:
        from .tracing import trace

        fn, inputs = load_program(src, getattr(args, "example", None))
        return trace(fn, inputs, level=getattr(args, "level", "aten") or "aten",
                     params=getattr(args, "params", "inputs") or "inputs")
    return load_plan_file(src)


def _pysyft_plan(args):
    """One role of a PySyft plan (``.pb``); ``--inputs`` (state ``.pb`` files, ``.npz``, JSON
    literals) are its example inputs, which give every value its type."""
    from .pysyft import read_plan
    from .pysyft.tensors import read_inputs

    spec = getattr(args, "inputs", None)
    return read_plan(args.plan, getattr(args, "role", None) or "torch",
                     example_inputs=read_inputs(spec) if spec else None)


def _inputs(args, plan):
    """Inputs from ``--inputs`` (.npz); a PySyft plan read its own (``plan.examples``)."""
    from .loading import load_inputs

    if not args.inputs or args.plan.endswith(".pb"):
        return None
    return load_inputs(args.inputs, plan)


def _write(text: str, path: str | None):
    if path and path != "-":
        with open(path, "w") as f:
            f.write(text if text.endswith("\n") else text + "\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_trace(args) -> Exit:
    plan = _plan_arg(args)
    _write(str(plan) if args.text else plan.to_json(), args.output)
    return Exit.OK


def cmd_show(args) -> Exit:
    plan = _plan_arg(args)
    _write(plan.to_json() if args.json else str(plan), None)
    return Exit.OK


def cmd_translate(args) -> Exit:
    from .translator import translate

    if args.format == "pysyft" and (args.to != "tfjs" or not args.output):
        print("threepio translate: error: --format pysyft writes a syft.js tfjs role to a file: "
              "use --to tfjs and -o FILE.pb", file=sys.stderr)
        return Exit.USAGE
    plan = _plan_arg(args)
    untyped = [v.name for v in plan.values() if v.type is None]
    if untyped and args.plan.endswith(".pb"):
        raise errors.PlanInputError(f"{args.plan}: the types of {len(untyped)} values (%"
                                    f"{untyped[0]}...) are unknown: PySyft plans do not store "
                                    "them; pass example inputs with --inputs")
    out = translate(plan, args.to, allow_int_wrap=args.allow_int_wrap)
    if args.target_version:
        from .catalog.versions import check_target_version

        check_target_version(out, args.target_version, source=plan)
    if args.format == "pysyft":
        from .pysyft import write_plan

        write_plan(plan, args.output, tfjs=out,
                   torch_role_from=args.plan if args.plan.endswith(".pb") else None)
    elif args.emit in ("module", "python"):
        from .codegen import render

        _write(render(out, emit=args.emit), args.output)
    elif args.emit == "text":
        _write(str(out), args.output)
    else:
        _write(out.to_json(), args.output)
    if args.output and args.output != "-":
        casts = f", {len(out.casts)} dtype change(s) recorded" if out.casts else ""
        layout = (f", {out.layout['transposes']} transposes ({out.layout['before']} before the "
                  "layout pass)" if out.layout else "")
        print(f"{plan.name}: {len(plan.ops)} {plan.namespace} ops -> {len(out.ops)} {args.to} "
              f"ops{casts}{layout}; wrote {args.output}", file=sys.stderr)
    return Exit.OK


def cmd_run(args) -> Exit:
    import numpy as np

    from .runner import run

    plan = _plan_arg(args)
    inputs = _inputs(args, plan)
    outs = run(plan, inputs, tfjs_backend=args.backend, compile=args.compile)
    names = [r.name for r in plan.outputs]
    if args.output:
        np.savez(args.output, **dict(zip(names, outs)))
    if args.json:
        _write(json.dumps({n: {"dtype": str(o.dtype), "shape": list(o.shape),
                               "values": o.tolist()} for n, o in zip(names, outs)}), None)
    else:
        for n, o in zip(names, outs):
            print(f"%{n}: {o.dtype}{list(o.shape)} = {np.array2string(o, threshold=8)}")
    return Exit.OK


def cmd_check(args) -> Exit:
    from .checker import check

    plan = _plan_arg(args)
    inputs = _inputs(args, plan)
    report = check(plan, inputs, tuple(t.strip() for t in args.to.split(",") if t.strip()),
                   tfjs_backend=args.backend, compile=args.compile)
    _write(json.dumps(report.to_dict(), indent=1) if args.json else str(report), None)
    return Exit.OK if report.ok else Exit.CHECK_FAILED


def cmd_translate_command(args) -> Exit:
    from .command import translate_command

    plan, out = translate_command(args.command, args.to, args.input or [])
    if args.json:
        _write(json.dumps({"source": json.loads(plan.to_json())["ops"],
                           "target": json.loads(out.to_json())["ops"],
                           "constants": [c.name for c in out.constants]}, indent=1), None)
    else:
        from .plan_text import format_op

        for c in out.constants:
            print(f"%{c.name} = constant {c.type} {c.data.tolist()!r}")
        for op in out.ops:
            print(format_op(op).split("   #")[0])
        if not out.ops:
            print(f"(no command: the result is %{out.outputs[0].name})")
    return Exit.OK


PYSYFT_INPUTS = ("example inputs of a PySyft plan: comma-separated state .pb files, .npz files "
                 "and JSON literals such as [64.0], in the role's input order")


def cmd_coverage(args) -> Exit:
    import re

    from .conformance.report import coverage_table, load_results

    doc = load_results(args.results, level=args.level)
    if args.json:
        keys = ("torch", "rules", "level", "summary", "core_aten", "api_commands")
        _write(json.dumps({k: doc[k] for k in keys if k in doc}
                          | {"ops": {op: v for op, v in doc["ops"].items()
                                     if not args.op or re.search(args.op, op)}}, indent=1), None)
    else:
        _write(coverage_table(doc, args.op, args.target), None)
    return Exit.OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="threepio", description="Translate PyTorch programs to "
                                "TensorFlow.js, TensorFlow and NumPy, and prove the numbers.")
    sub = p.add_subparsers(dest="command_name", required=True)

    def plan_source(sp, program=True, inputs=False, pysyft=True):
        sp.add_argument("plan", help="plan .json or printed .txt" +
                        (", a PySyft plan .pb" if pysyft else "") +
                        (", or FILE.py:NAME to trace a program" if program else ""))
        if pysyft:
            sp.add_argument("--role", choices=("torch", "tfjs"), default="torch",
                            help="which role of a PySyft plan .pb to read (default torch)")
        if inputs:
            sp.add_argument("--inputs", help=PYSYFT_INPUTS)
        if program:
            sp.add_argument("--example", help="function in FILE.py returning example inputs "
                            "(default NAME_example)")
            sp.add_argument("--level", choices=("aten", "api"), default="aten")
            sp.add_argument("--params", choices=("inputs", "constants"), default="inputs")

    sp = sub.add_parser("trace", help="trace FILE.py:NAME into a plan")
    plan_source(sp, pysyft=False)
    sp.add_argument("-o", "--output", help="write the plan here (default stdout)")
    sp.add_argument("--text", action="store_true", help="print the text form instead of JSON")
    sp.set_defaults(func=cmd_trace)

    sp = sub.add_parser("show", help="print a plan, one line per op")
    plan_source(sp, inputs=True)
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_show)

    sp = sub.add_parser("translate", help="translate a plan to tfjs, tf or numpy")
    plan_source(sp, inputs=True)
    sp.add_argument("--to", required=True, choices=("tfjs", "tf", "numpy"))
    sp.add_argument("--emit", choices=("json", "text", "module", "python"), default="json",
                    help="op list as plan JSON (default) or printed text; or generated code: "
                         "an ES module (--to tfjs) or a Python module (--to tf, numpy)")
    sp.add_argument("--format", choices=("threepio", "pysyft"), default="threepio",
                    help="pysyft: write a PySyft plan .pb whose tfjs role syft.js runs, next to "
                         "the source's torch role")
    sp.add_argument("--allow-int-wrap", action="store_true",
                    help="translate integer values whose range cannot be proven to fit the "
                         "target's narrower dtype (TF.js: int64 computed in int32); recorded in "
                         "the plan's casts")
    sp.add_argument("--target-version", metavar="VERSION",
                    help="refuse a plan calling a command or parameter that release of the "
                         "target lacks (tfjs: a catalog of mappings/catalogs/tfjs; tf, numpy: "
                         "the installed release only)")
    sp.add_argument("-o", "--output")
    sp.set_defaults(func=cmd_translate)

    sp = sub.add_parser("run", help="run a plan on its framework")
    plan_source(sp)
    sp.add_argument("--inputs", help=".npz with one array per plan input (by name or arr_0...); "
                    "for a PySyft .pb: " + PYSYFT_INPUTS)
    sp.add_argument("--backend", choices=("cpu", "wasm"), default="cpu", help="TF.js backend")
    sp.add_argument("--compile", action="store_true", help="TensorFlow: run as one tf.function")
    sp.add_argument("-o", "--output", help="write outputs to this .npz")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_run)

    sp = sub.add_parser("check", help="cross-check a plan against PyTorch on each target")
    plan_source(sp)
    sp.add_argument("--to", default="numpy,tf,tfjs",
                    help="comma-separated targets: numpy, tf, tfjs, tfjs:cpu, tfjs:wasm")
    sp.add_argument("--inputs", help=".npz inputs (default: the program's example inputs); for a "
                    "PySyft .pb: " + PYSYFT_INPUTS)
    sp.add_argument("--backend", choices=("cpu", "wasm"), default="cpu", help="TF.js backend")
    sp.add_argument("--compile", action="store_true")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_check)

    sp = sub.add_parser("coverage", help="what is proven, refused or failing, per op and "
                        "target (from the latest `make conformance` results)")
    sp.add_argument("--op", help="regular expression on OpInfo op names")
    sp.add_argument("--target", choices=("numpy", "tf", "tfjs"))
    sp.add_argument("--results", help="results JSON (default: docs/coverage.json, or "
                    "docs/coverage-api.json with --level api)")
    sp.add_argument("--level", choices=("aten", "api"), default="aten",
                    help="samples traced to Core ATen ops (default) or to public commands")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_coverage)

    sp = sub.add_parser("translate-command",
                        help="translate one PyTorch call, e.g. "
                             "\"torch.nn.functional.softmax(x, dim=1)\"")
    sp.add_argument("command")
    sp.add_argument("--to", required=True, choices=("tfjs", "tf", "numpy"))
    sp.add_argument("--input", action="append", metavar="NAME=TYPE",
                    help="type of a tensor argument, e.g. x=f32[64,10] (repeatable)")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_translate_command)

    from .catalog.cli import add_subcommands

    add_subcommands(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) and Exit.USAGE
    try:
        return int(args.func(args))
    except errors.ThreepioError as e:
        code = next((c for t, c in _EXIT_FOR if isinstance(e, t)), Exit.EXECUTION)
        print(f"threepio {args.command_name}: error: {e}", file=sys.stderr)
        return int(code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:     # `threepio ... | head`: the reader left; not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
