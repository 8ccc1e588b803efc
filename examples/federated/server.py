"""A federated-learning round trip on localhost: browsers train, this server checks and averages.

    python examples/federated/server.py --workers 2 --rounds 3      # then open the printed URL
    python examples/federated/server.py --drive --screenshot out/federated.png   # headless

The server traces the training step (``training.train_step``: the MNIST MLP step with the learning
rate as an input), translates it to TF.js and serves the op list and the current global
weights. Each worker page (``worker.html?worker=K``) downloads them, trains ``steps`` SGD steps
on its own synthetic MNIST-like data (``digits.mjs``, seed K+1) with the runtime's executor, and
posts its updated weights back. The server replays the same steps on PyTorch eager from the same
weights and data (``digits.py`` generates the same pixels), accepts the update when every weight
and loss matches within 1e-4 (``|got - ref| <= 1e-4 (1 + |ref|)``), and once every worker of the
round has reported, averages the accepted updates (FedAvg; every worker has as many samples)
into the next round's global weights.

HTTP API (JSON unless said otherwise):

* ``GET /api/hello?worker=K``   configuration: workers, rounds, steps, lr, seed, weight shapes
* ``GET /api/plan``             the translated TF.js plan (threepio plan JSON)
* ``GET /api/round``            ``{round, done}``: the round the global weights are for
* ``GET /api/weights.bin?round=R``  the global weights of round R: float32 little-endian
  W1, b1, W2, b2 back to back
* ``POST /api/update?worker=K&round=R``  body: u32le header length, JSON header
  ``{losses, accuracies, step_ms}``, the updated weights as above -> the verdict
  ``{accepted, max_abs_error, loss_error, reason}``
* ``GET /api/status``           every round's verdicts and the global loss history
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
for p in (HERE, ROOT / "browser", ROOT):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import digits  # noqa: E402
import training  # noqa: E402
from serve import Server, drive, json_reply  # noqa: E402  (browser/serve.py)

import threepio  # noqa: E402
from threepio.checker import compare  # noqa: E402
from threepio.plan_json import dumps  # noqa: E402

TOL = 1e-4


@dataclass
class Verdict:
    worker: int
    round: int
    accepted: bool
    max_abs_error: float
    loss_error: float
    reason: str = ""
    losses: list = field(default_factory=list)
    step_ms: float | None = None


class Coordinator:
    """Rounds, checks and FedAvg; ``mount(server)`` adds its API to a :class:`Server`."""

    def __init__(self, workers: int = 2, rounds: int = 3, steps: int = 6, lr: float = 0.5):
        self.workers, self.rounds, self.steps, self.lr = workers, rounds, steps, lr
        plan = threepio.trace(training.train_step, training.train_step_example(),
                              output_names=training.OUTPUTS)
        self.plan = threepio.translate(plan, "tfjs")
        self.weights = training.initial_weights()
        self.round = 0
        self.verdicts: list[Verdict] = []
        self.global_history = [[w.copy() for w in self.weights]]
        self._pending: dict[int, list[np.ndarray]] = {}
        self._reported: set[int] = set()
        self._lock = threading.Lock()

    @staticmethod
    def seed(worker: int) -> int:
        return worker + 1

    def local_data(self, worker: int):
        return digits.dataset(self.seed(worker), self.steps)

    @property
    def done(self) -> bool:
        return self.round >= self.rounds

    # -- the API -----------------------------------------------------------------------------
    def mount(self, server: Server) -> None:
        server.add("/api/plan", dumps(self.plan, indent=None))
        server.add("/", b'<meta http-equiv="refresh" content="0; url=/federated/worker.html">',
                   "text/html")
        server.route("GET", "/api/hello", self.hello)
        server.route("GET", "/api/round", lambda q, b: json_reply(
            {"round": self.round, "done": self.done}))
        server.route("GET", "/api/weights.bin", self.weights_bin)
        server.route("POST", "/api/update", self.update)
        server.route("GET", "/api/status", lambda q, b: json_reply(self.status()))

    def hello(self, query, body):
        worker = int(query.get("worker", 0))
        if not 0 <= worker < self.workers:
            return json_reply({"error": f"worker must be 0..{self.workers - 1}"},
                              HTTPStatus.BAD_REQUEST)
        return json_reply({
            "worker": worker, "workers": self.workers, "rounds": self.rounds,
            "steps": self.steps, "lr": self.lr, "seed": self.seed(worker), "batch": digits.BATCH,
            "plan": {"name": self.plan.name, "ops": len(self.plan.ops),
                     "inputs": [v.name for v in self.plan.inputs]},
            "weights": [{"name": n, "shape": list(w.shape)}
                        for n, w in zip(training.WEIGHTS, self.weights)]})

    def weights_bin(self, query, body):
        r = int(query.get("round", self.round))
        if not 0 <= r < len(self.global_history):
            return json_reply({"error": f"no weights for round {r} yet"}, HTTPStatus.NOT_FOUND)
        blob = b"".join(w.astype("<f4").tobytes() for w in self.global_history[r])
        return HTTPStatus.OK, "application/octet-stream", blob

    def update(self, query, body):
        worker, r = int(query["worker"]), int(query["round"])
        (n,) = struct.unpack_from("<I", body)
        head = json.loads(body[4:4 + n])
        payload, got, at = body[4 + n:], [], 0
        for w in self.weights:
            got.append(np.frombuffer(payload, "<f4", w.size, at).reshape(w.shape))
            at += w.nbytes
        with self._lock:
            if r != self.round or worker in self._reported:
                return json_reply({"accepted": False, "reason": f"round {r} from worker "
                                   f"{worker} is not expected now (round {self.round})"},
                                  HTTPStatus.CONFLICT)
            start = self.global_history[r]
        verdict = self.check(worker, r, start, head, got)
        with self._lock:
            self.verdicts.append(verdict)
            self._reported.add(worker)
            if verdict.accepted:
                self._pending[worker] = got
            if len(self._reported) == self.workers:
                self.average()
        return json_reply(vars(verdict) | {"round_complete": self.round > r})

    def check(self, worker, r, start, head, got) -> Verdict:
        """Replay the worker's steps on PyTorch and compare."""
        X, y = self.local_data(worker)
        losses, _, ref = training.replay(start, X, y, self.lr)
        errors = [compare(a, b, TOL) for a, b in zip(ref, got)]
        lerr = compare(np.array(losses), np.array(head.get("losses", []), np.float64), TOL)
        reasons = [f"{name}: max abs error {e[0]:.3g}" for name, e in zip(training.WEIGHTS, errors)
                   if not e[2]]
        if not lerr[2]:
            reasons.append(f"losses differ by {lerr[0]:.3g}")
        return Verdict(worker, r, not reasons, max(e[0] for e in errors), lerr[0],
                       "; ".join(reasons), list(head.get("losses", [])), head.get("step_ms"))

    def average(self) -> None:
        """FedAvg of the accepted updates (equal sample counts); next round."""
        if self._pending:
            self.weights = [np.mean([u[i] for u in self._pending.values()], axis=0,
                                    dtype=np.float64).astype(np.float32)
                            for i in range(len(self.weights))]
        self.global_history.append([w.copy() for w in self.weights])
        self._pending.clear()
        self._reported.clear()
        self.round += 1

    def status(self) -> dict:
        return {"round": self.round, "done": self.done, "rounds": self.rounds,
                "workers": self.workers, "verdicts": [vars(v) for v in self.verdicts]}


def simulate(workers: int, rounds: int, steps: int, lr: float) -> list[np.ndarray]:
    """The whole federation on PyTorch alone: the global weights after ``rounds`` rounds."""
    weights = training.initial_weights()
    for _ in range(rounds):
        updates = [training.replay(weights, *digits.dataset(Coordinator.seed(k), steps), lr)[2]
                   for k in range(workers)]
        weights = [np.mean([u[i] for u in updates], axis=0, dtype=np.float64).astype(np.float32)
                   for i in range(len(weights))]
    return weights


def main() -> int:
    p = argparse.ArgumentParser(description="federated learning round trip on localhost")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=6)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--backend", default="wasm", choices=("cpu", "wasm", "webgl"))
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--drive", action="store_true", help="run the workers in headless Chromium")
    p.add_argument("--screenshot", help="with --drive: save worker 0's page here")
    args = p.parse_args()
    coord = Coordinator(args.workers, args.rounds, args.steps, args.lr)
    with Server(port=args.port) as server:
        coord.mount(server)
        urls = [f"{server.url}/federated/worker.html?worker={k}&backend={args.backend}"
                for k in range(args.workers)]
        print(f"plan {coord.plan.name}: {len(coord.plan.ops)} TF.js ops; {args.workers} "
              f"workers x {args.rounds} rounds x {args.steps} steps")
        print("workers:\n  " + "\n  ".join(urls), flush=True)
        if args.drive:
            t0 = time.perf_counter()
            report = drive(urls, screenshot=args.screenshot)
            print(f"browser: {report['chromium']}, {time.perf_counter() - t0:.1f} s")
            for page in report["pages"]:
                if not page["ok"]:
                    print(f"worker page failed: {page['url']}\n  " + "\n  ".join(
                        page["errors"] + [str((page["report"] or {}).get("error"))]))
        else:
            try:
                while not coord.done:
                    time.sleep(0.2)
            except KeyboardInterrupt:
                print("interrupted")
    for v in coord.verdicts:
        print(f"round {v.round} worker {v.worker}: {'accepted' if v.accepted else 'REJECTED'}"
              f" (max abs error vs PyTorch {v.max_abs_error:.3g}) {v.reason}")
    if args.screenshot and args.drive:
        print(f"screenshot: {args.screenshot}")
    ok = coord.done and all(v.accepted for v in coord.verdicts)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
