"""Run translated ``tfjs`` plans on TF.js in a long-lived Node worker (``runtime/node_worker.mjs``).

One worker process per backend name (``cpu``, ``wasm``) serves every plan: a plan is sent once
(cached by the hash of its JSON text) and then run many times. Tensors travel as raw
little-endian bytes in length-prefixed frames (see the worker's header comment)::

    outputs = run_plan(plan, [x, y], backend="wasm")          # list of numpy arrays
    outputs, values = run_plan(plan, [x, y], keep_all=True)   # plus every op output by name

Node is ``$THREEPIO_NODE`` or ``node`` on PATH; the TF.js packages come from
``$THREEPIO_NODE_MODULES`` or the first ``node_modules/@tensorflow/tfjs-core`` found above the
current directory or the threepio package. This module imports neither torch nor tensorflow.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

from ..errors import (
    BackendUnavailable,
    ExecutionError,
    GuardError,
    PlanFormatError,
    PlanInputError,
)
from ..ir import Plan
from ..plan_json import dumps

BACKENDS = ("cpu", "wasm")
DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.int32): "int32", np.dtype(np.bool_): "bool"}
WORKER_SCRIPT = Path(__file__).resolve().parent.parent / "runtime" / "node_worker.mjs"
SETUP_HINT = "run `npm ci` (or `make setup`) in the threepio checkout"
_U32 = struct.Struct("<I")


def find_node() -> str:
    """Path of the ``node`` executable, or :class:`BackendUnavailable`."""
    node = os.environ.get("THREEPIO_NODE") or shutil.which("node")
    if not node:
        raise BackendUnavailable("Node.js (20 or newer) is needed for the TF.js backend but was "
                                 "not found: install it or set THREEPIO_NODE")
    return node


def find_node_modules() -> Path:
    """The ``node_modules`` directory holding ``@tensorflow/tfjs-core``."""
    env = os.environ.get("THREEPIO_NODE_MODULES")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for d in (start, *start.parents):
            if (d / "node_modules" / "@tensorflow" / "tfjs-core").is_dir():
                return d / "node_modules"
    raise BackendUnavailable(f"the TF.js packages (@tensorflow/tfjs-core) are not installed: "
                             f"{SETUP_HINT}, or set THREEPIO_NODE_MODULES")


def _aligned(n: int) -> int:
    return n + (-n) % 8


def _tfjs_dtype(a: np.ndarray) -> str | None:
    """The TF.js dtype name of an array (any byte order), or None if TF.js has no such dtype."""
    return DTYPES.get(a.dtype.newbyteorder("="))


class TfjsWorker:
    """A Node process running TF.js on one backend; started on first use, restarted if it dies.

    Requests are serialized by a lock, so one worker may be shared between threads.
    """

    def __init__(self, backend: str = "cpu", allow_any: bool = False):
        if backend not in BACKENDS:
            raise BackendUnavailable(f"unknown TF.js backend {backend!r}; expected one of "
                                     f"{BACKENDS}")
        self.backend = backend
        self.allow_any = allow_any  # lift the command allowlist (hand-written test plans only)
        self.last_run_ms: float | None = None  # the worker's own time for the last run
        self._proc: subprocess.Popen | None = None
        self._stderr = None
        self._plans: dict[str, int] = {}  # sha256 of plan JSON -> plan_id in this process
        self._lock = threading.RLock()

    # -- process -----------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def start(self) -> None:
        """Start the Node process (if it is not running) and check it answers."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            self.close()
            cmd = [find_node(), str(WORKER_SCRIPT), "--backend", self.backend,
                   "--node-modules", str(find_node_modules())]
            if self.allow_any:
                cmd.append("--allow-any-command")
            # a file never fills up (and blocks the worker) like an undrained pipe can
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker)
            try:
                self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=self._stderr)
            except OSError as e:
                raise BackendUnavailable(f"cannot start the TF.js worker ({' '.join(cmd)}): "
                                         f"{e}") from None
            self._exchange({"cmd": "info"})  # handshake: fails with stderr if TF.js did not load

    def close(self) -> None:
        """Stop the Node process; the next request starts a new one."""
        with self._lock:
            proc, self._proc = self._proc, None
            self._plans.clear()
            if proc is not None:
                try:
                    proc.stdin.close()
                    proc.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    proc.kill()
                    proc.wait()
                proc.stdout.close()
            if self._stderr is not None:
                self._stderr.close()
                self._stderr = None

    def stderr_tail(self, limit: int = 4000) -> str:
        """The end of what the worker printed on stderr."""
        if self._stderr is None:
            return ""
        self._stderr.flush()
        size = self._stderr.seek(0, os.SEEK_END)
        self._stderr.seek(max(0, size - limit))
        return self._stderr.read().decode("utf-8", "replace")

    def _died(self, what: str) -> BackendUnavailable:
        """Stop a broken worker and describe what happened, with its stderr tail."""
        code = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            code = self._proc.wait()
        tail = self.stderr_tail().strip()
        self.close()
        return BackendUnavailable(
            f"the TF.js worker ({self.backend}) {what} (exit code {code}). If TF.js is not "
            f"installed, {SETUP_HINT}.\n--- worker stderr ---\n{tail or '(empty)'}")

    # -- framing -----------------------------------------------------------------------------
    def _request(self, header: dict | bytes, parts=()) -> tuple[dict, bytearray]:
        """Send one frame (starting the worker if needed), return the reply's header and
        payload; raise on ``ok: false``."""
        with self._lock:
            self.start()
            return self._exchange(header, parts)

    def _exchange(self, header: dict | bytes, parts=()) -> tuple[dict, bytearray]:
        with self._lock:
            proc = self._proc
            head = header if isinstance(header, bytes) else json.dumps(header).encode()
            try:
                proc.stdin.write(_U32.pack(len(head)) + head)
                proc.stdin.write(_U32.pack(sum(len(p) for p in parts)))
                for p in parts:
                    proc.stdin.write(p)
                proc.stdin.flush()
                reply = json.loads(self._read_part(proc))
                payload = self._read_part(proc)
            except (OSError, ValueError, EOFError):
                raise self._died("stopped unexpectedly") from None
            except BaseException:  # e.g. KeyboardInterrupt: the stream is now out of step
                self._died("was interrupted")
                raise
            if not reply.get("ok"):
                error = {"input": PlanInputError, "guard": GuardError}.get(reply.get("kind"),
                                                                          ExecutionError)
                err = error(f"TF.js ({self.backend}): {reply.get('error')}")
                err.op_index = reply.get("op_index")
                raise err
            return reply, payload

    @staticmethod
    def _read_part(proc) -> bytearray:
        """Read one u32le-length-prefixed part of a frame."""
        (n,) = _U32.unpack(TfjsWorker._read_exact(proc, 4))
        return TfjsWorker._read_exact(proc, n)

    @staticmethod
    def _read_exact(proc, n: int) -> bytearray:
        buf = bytearray(n)
        view, got = memoryview(buf), 0
        while got < n:
            k = proc.stdout.readinto(view[got:])
            if not k:
                raise EOFError
            got += k
        return buf

    # -- commands ----------------------------------------------------------------------------
    def info(self) -> dict:
        """Backend name, TF.js version, pid, number of loaded plans and live tensors."""
        return self._request({"cmd": "info"})[0]

    def load(self, plan_or_json: Plan | str) -> int:
        """Send a plan (unless this process already has it) and return its ``plan_id``."""
        text = dumps(plan_or_json, indent=None) if isinstance(plan_or_json, Plan) else plan_or_json
        key = hashlib.sha256(text.encode()).hexdigest()
        with self._lock:
            self.start()  # a new process has no plans: the cache is cleared on (re)start
            if key not in self._plans:
                head = b'{"cmd":"load","plan":' + text.encode() + b"}"
                self._plans[key] = self._request(head)[0]["plan_id"]
            return self._plans[key]

    def free(self, plan_id: int) -> None:
        """Drop a loaded plan and its constants from the worker."""
        with self._lock:
            self._request({"cmd": "free", "plan_id": plan_id})
            self._plans = {k: v for k, v in self._plans.items() if v != plan_id}

    def run(self, plan_id: int, arrays, keep_all: bool = False):
        """Run a loaded plan on numpy arrays (float32, int32 or bool, in plan input order).

        Returns the outputs as a list of arrays, or with ``keep_all`` a tuple
        ``(outputs, {op output name: array})``.
        """
        descs, parts, offset = [], [], 0
        for i, a in enumerate(arrays):
            a = np.asarray(a)
            dtype = _tfjs_dtype(a)
            if dtype is None:
                raise PlanInputError(f"input {i} has dtype {a.dtype}; TF.js takes float32, int32 "
                                     "or bool (convert it first)")
            data = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).reshape(-1)
            data = data.view(np.uint8)
            descs.append({"dtype": dtype, "shape": list(a.shape), "offset": offset,
                          "nbytes": data.nbytes})
            pad = _aligned(data.nbytes) - data.nbytes
            parts += [data, bytes(pad)] if pad else [data]
            offset += data.nbytes + pad
        with self._lock:
            reply, payload = self._request({"cmd": "run", "plan_id": plan_id, "inputs": descs,
                                            "keep_all": keep_all}, parts)
        self.last_run_ms = reply.get("ms")
        outputs = [_array(d, payload) for d in reply["outputs"]]
        if not keep_all:
            return outputs
        return outputs, {name: _array(d, payload) for name, d in reply["values"].items()}


def _array(desc: dict, payload: bytearray) -> np.ndarray:
    """A numpy view of one tensor of a reply's payload (native byte order)."""
    dtype = np.dtype(np.bool_ if desc["dtype"] == "bool" else desc["dtype"])
    arr = np.frombuffer(payload, dtype=dtype.newbyteorder("<"), count=desc["nbytes"]
                        // dtype.itemsize, offset=desc["offset"])
    return arr.astype(dtype, copy=False).reshape(desc["shape"])


_workers: dict[str, TfjsWorker] = {}
_workers_lock = threading.Lock()


def get_worker(backend: str = "cpu", allow_any: bool = False) -> TfjsWorker:
    """The shared worker of a backend (``cpu`` or ``wasm``), closed at interpreter exit.
    Its executor runs only the commands threepio's rules emit, unless ``allow_any``."""
    with _workers_lock:
        key = (backend, allow_any)
        if key not in _workers:
            _workers[key] = TfjsWorker(backend, allow_any)
        return _workers[key]


@atexit.register
def _close_all() -> None:
    for w in list(_workers.values()):
        w.close()


def run_plan(plan: Plan, inputs, backend: str = "cpu", keep_all: bool = False,
             allow_any: bool = False):
    """Run a translated ``tfjs`` plan on TF.js; inputs are numpy arrays in plan input order.

    Inputs must already be float32, int32 or bool and match the plan's input types
    (:class:`PlanInputError` otherwise). Returns a list of numpy outputs, or with ``keep_all``
    ``(outputs, {op output name: array})`` to locate the first op that diverges.
    """
    if plan.namespace != "tfjs":
        raise PlanFormatError(f"plan {plan.name!r} has namespace {plan.namespace!r}; the TF.js "
                              "backend runs only translated 'tfjs' plans")
    inputs = list(inputs)
    if len(inputs) != len(plan.inputs):
        raise PlanInputError(f"plan {plan.name!r} takes {len(plan.inputs)} inputs "
                             f"({', '.join('%' + v.name for v in plan.inputs)}), got {len(inputs)}")
    arrays = []
    for v, a in zip(plan.inputs, inputs):
        a = np.asarray(a)
        dtype = _tfjs_dtype(a)
        if dtype is None:
            raise PlanInputError(f"input %{v.name} has dtype {a.dtype}; TF.js takes float32, "
                                 "int32 or bool (check and convert it first)")
        if v.type is not None and (dtype != v.type.dtype or tuple(a.shape) != v.type.shape):
            raise PlanInputError(f"input %{v.name} is {dtype}{list(a.shape)}, the plan "
                                 f"expects {v.type.dtype}{list(v.type.shape)}")
        arrays.append(a)
    worker = get_worker(backend, allow_any)
    with worker._lock:  # load and run on the same process even if it restarts in between
        return worker.run(worker.load(plan), arrays, keep_all=keep_all)


COMMANDS_MODULE = WORKER_SCRIPT.parent / "commands.mjs"


def commands_module() -> str:
    """The text of ``runtime/commands.mjs``: the TF.js commands the rules emit, which is all
    the executor will call (generated; ``python -m threepio.backends.tfjs`` rewrites it)."""
    from ..rules.loader import load_rules

    names = sorted(load_rules("tfjs").commands)
    body = "".join(f"  {json.dumps(n)},\n" for n in names)
    return ("// Generated from mappings/tfjs.yaml by `python -m threepio.backends.tfjs`: do not "
            "edit.\n// The TF.js commands threepio's rules emit; executor.mjs calls no others.\n"
            f"export const COMMANDS = Object.freeze([\n{body}]);\n")


if __name__ == "__main__":
    COMMANDS_MODULE.write_text(commands_module())
    print(f"wrote {COMMANDS_MODULE}")
