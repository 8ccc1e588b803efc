"""A real browser: headless Chromium (chromium-headless-shell) driven by puppeteer-core.

Selected with ``pytest -m browser`` (``make browser-test``); part of ``make test`` too, which
installs the browser when it is missing. A missing browser is a failure, never a skip.

1. the MNIST training step of the spine (``mlp_step`` traced with its example inputs, translated
   to TF.js) runs in a page served from localhost, as an op list (``executor.mjs``) and as a
   generated ES module, on the cpu, wasm and webgl (SwiftShader) backends; cpu and wasm must
   match PyTorch within 1e-4, webgl's error is reported (and whether WebGL exists at all);
2. the federated round trip of ``examples/federated``: two worker pages train, the server
   checks each update against PyTorch and averages; a screenshot of a worker page is saved.

Timings and errors are printed and written to ``out/test-output/browser_report.json``
(``$THREEPIO_TEST_OUTPUT`` moves the folder).
"""

from __future__ import annotations

import json
import os
import struct
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import threepio
from threepio.checker import compare
from threepio.codegen import render
from threepio.plan_json import dumps

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT / "browser", ROOT / "examples" / "federated"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from serve import Server, drive, find_chromium, json_reply  # noqa: E402

OUT = Path(os.environ.get("THREEPIO_TEST_OUTPUT", ROOT / "out" / "test-output"))
BACKENDS = ("cpu", "wasm", "webgl")
TOL = 1e-4


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if path is None:
        pytest.fail("chromium-headless-shell is not installed: run `make browser-setup` (apt "
                    "package chromium-headless-shell) or set THREEPIO_CHROMIUM")
    if not (ROOT / "node_modules" / "puppeteer-core" / "package.json").is_file():
        pytest.fail("puppeteer-core is not installed: run `make setup` (npm ci)")
    return path


def _report(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "browser_report.json"
    all_reports = json.loads(path.read_text()) if path.is_file() else {}
    all_reports[name] = data
    path.write_text(json.dumps(all_reports, indent=1))
    return path


def _torch_step_ms(mnist, repeats=20) -> dict:
    """PyTorch eager time of one mlp_step on this machine (median), with torch's default
    number of threads and with one thread (on a busy machine the default can be much slower)."""
    import torch

    X, y, *weights = mnist.mlp_step_example()
    out, threads = {}, torch.get_num_threads()
    for label, n in (("default_threads", threads), ("one_thread", 1)):
        torch.set_num_threads(n)
        times = []
        for _ in range(repeats + 2):
            params = [w.clone().requires_grad_() for w in weights]
            t0 = time.perf_counter()
            mnist.mlp_step(X, y, *params)
            times.append((time.perf_counter() - t0) * 1000)
        out[label] = float(np.median(times[2:]))
    torch.set_num_threads(threads)
    return out


@pytest.mark.browser
def test_mnist_step_in_the_browser(mlp_step_plan, mnist, chromium, capsys):
    tp = threepio.translate(mlp_step_plan, "tfjs")
    arrays = [np.asarray(a) for a in mlp_step_plan.examples]
    ref = threepio.run(mlp_step_plan, arrays)
    results: dict[str, tuple[dict, bytes]] = {}

    def post(query, body):
        (n,) = struct.unpack_from("<I", body)
        head = json.loads(body[4:4 + n])
        results[head["report"]["backend"]] = (head, body[4 + n:])
        return json_reply({"ok": True})

    with Server() as server:
        server.add("/case/plan.tfjs.json", dumps(tp, indent=None))
        server.add("/case/plan.mjs", render(tp, emit="module"))
        inputs = []
        for i, (a, v) in enumerate(zip(arrays, tp.inputs)):
            server.add(f"/case/in_{i}.bin", a.astype(a.dtype.newbyteorder("<")).tobytes())
            inputs.append({"name": v.name, "dtype": v.type.dtype, "shape": list(a.shape),
                           "url": f"/case/in_{i}.bin"})
        server.add("/case/manifest.json", {
            "name": tp.name, "plan": "/case/plan.tfjs.json", "module": "/case/plan.mjs",
            "inputs": inputs, "outputs": [r.name for r in tp.outputs], "repeats": 5,
            "result": "/result"})
        server.route("POST", "/result", post)
        t0 = time.perf_counter()
        run = drive([f"{server.url}/browser/harness.html?backend={b}" for b in BACKENDS],
                    sequential=True, timeout=150, chromium=chromium)
        wall = time.perf_counter() - t0

    rows, summary = [], {"chromium": run["chromium"], "launch_ms": run["launch_ms"],
                         "wall_s": wall, "torch_step_ms": _torch_step_ms(mnist), "backends": {}}
    pages = dict(zip(BACKENDS, run["pages"]))
    for backend in BACKENDS:
        page = pages[backend]
        rep = page["report"] or {}
        entry = summary["backends"][backend] = {"ok": page["ok"], "info": rep.get("info"),
                                                "timings": rep.get("timings"),
                                                "errors": page["errors"], "error": rep.get("error")}
        if backend != "webgl":
            assert page["ok"], f"{backend}: {page['errors']} {rep.get('error')}\n{page['console']}"
            assert rep["memory"]["leaked_tensors"] == 0
        if backend not in results:
            rows.append(f"{backend:<6} unavailable: {rep.get('error') or page['errors']}")
            continue
        head, payload = results[backend]
        for variant in ("oplist", "module"):
            worst_abs, worst_ok = 0.0, True
            for d, r, name in zip(head["outputs"][variant], ref, tp.outputs):
                dtype = np.bool_ if d["dtype"] == "bool" else np.dtype(d["dtype"])
                got = np.frombuffer(payload, np.dtype(dtype).newbyteorder("<"),
                                    d["nbytes"] // np.dtype(dtype).itemsize,
                                    d["offset"]).reshape(d["shape"])
                mabs, _, ok = compare(r, got, TOL)
                worst_abs, worst_ok = max(worst_abs, mabs), worst_ok and ok
                if backend != "webgl":
                    assert ok, f"{backend} {variant} %{name.name}: max abs error {mabs:.3g}"
            entry[f"{variant}_max_abs_error"] = worst_abs
            entry[f"{variant}_within_1e-4"] = worst_ok
            t = rep["timings"]
            verdict = "ok" if worst_ok else "FAIL"
            rows.append(f"{backend:<6} {variant:<7} {worst_abs:>10.3g}  {verdict}"
                        f"  page {t['tf_ready']:>6.0f}  load {t[variant + '_load']:>5.1f}"
                        f"  first {t[variant + '_first']:>7.1f}  step {t[variant + '_step']:>7.2f}")
    webgl = summary["backends"]["webgl"]
    webgl_info = (webgl["info"] or {}).get("webgl") or {}
    path = _report("mnist_step", summary)
    with capsys.disabled():
        print(f"\n\nMNIST training step in {run['chromium']} (launch {run['launch_ms']:.0f} ms, "
              f"all three pages {wall:.1f} s); times in ms, error = max abs vs PyTorch")
        print("backend variant  max abs err  tol   page load, plan load, first run, step (median)")
        print("\n".join(rows))
        t = summary["torch_step_ms"]
        print(f"PyTorch eager step on this machine: {t['default_threads']:.2f} ms "
              f"(default threads), {t['one_thread']:.2f} ms (one thread)")
        print(f"WebGL: {'available' if webgl_info.get('available') else 'NOT available'}"
              f" ({webgl_info.get('renderer')}); report: {path}")


@pytest.mark.browser
def test_federated_round_trip(chromium, capsys):
    import server as fed  # examples/federated/server.py

    workers, rounds, steps = 2, 3, 6
    coord = fed.Coordinator(workers, rounds, steps, lr=0.5)
    shot = OUT / "federated_worker0.png"
    shot.unlink(missing_ok=True)
    with Server() as server:
        coord.mount(server)
        t0 = time.perf_counter()
        run = drive([f"{server.url}/federated/worker.html?worker={k}&backend=wasm"
                     for k in range(workers)], screenshot=shot, timeout=150, chromium=chromium)
        wall = time.perf_counter() - t0
    for page in run["pages"]:
        assert page["ok"], f"{page['errors']} {page['report']}\n{page['console']}"
        assert page["report"]["leaked_tensors"] == 0
    assert coord.done and len(coord.verdicts) == workers * rounds
    assert all(v.accepted for v in coord.verdicts), [vars(v) for v in coord.verdicts]
    # FedAvg of the browsers' updates == the same federation run on PyTorch alone
    want = fed.simulate(workers, rounds, steps, 0.5)
    for name, a, b in zip(("W1", "b1", "W2", "b2"), want, coord.weights):
        mabs, _, ok = compare(a, b, TOL)
        assert ok, f"global {name} after {rounds} rounds: max abs error {mabs:.3g}"
    losses = run["pages"][0]["report"]["losses"]
    assert np.mean(losses[-steps:]) < np.mean(losses[:steps]) - 0.1, losses  # it learns
    assert shot.is_file() and shot.stat().st_size > 10_000
    step_ms = [float(np.median(p["report"]["step_ms"])) for p in run["pages"]]
    summary = {"wall_s": wall, "verdicts": [vars(v) for v in coord.verdicts],
               "step_ms_median": step_ms, "screenshot": str(shot)}
    path = _report("federated", summary)
    with capsys.disabled():
        print(f"\n\nfederated round trip: {workers} browser workers x {rounds} rounds x {steps} "
              f"steps in {wall:.1f} s (wasm step {', '.join(f'{s:.1f}' for s in step_ms)} ms); "
              f"max abs error of an update vs PyTorch "
              f"{max(v.max_abs_error for v in coord.verdicts):.3g}")
        print(f"screenshot: {shot}\nreport: {path}")


def test_server_serves_only_its_folders():
    """No browser needed: the test server never reaches outside its folders."""
    import urllib.error
    import urllib.request

    with Server() as server:
        server.add("/x.json", {"a": 1})

        def get(path):
            try:
                with urllib.request.urlopen(server.url + path) as r:
                    return r.status, r.headers["Content-Type"], r.read()
            except urllib.error.HTTPError as e:
                return e.code, None, b""

        assert get("/x.json") == (200, "application/json", b'{"a": 1}')
        assert get("/threepio/executor.mjs")[:2] == (200, "text/javascript")
        assert get("/tfjs/tfjs-backend-wasm.wasm")[1] == "application/wasm"
        for bad in ("/threepio/../codegen.py", "/threepio/%2e%2e/codegen.py",
                    "/browser/../pyproject.toml", "/tfjs/../../package.json", "/etc/passwd",
                    "/tfjs/tf-core.node.js", "/federated/../mnist.py"):
            assert get(bad)[0] == 404, bad
    assert server.url.startswith("http://127.0.0.1:")
