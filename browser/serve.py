"""A small localhost HTTP server for threepio's browser pages (stdlib ``http.server``).

It serves, on 127.0.0.1 and a free port:

* ``/tfjs/<file>``     the TF.js browser bundles from ``node_modules`` (UMD ``*.es2017.js``
                       builds of tfjs-core and the cpu, wasm and webgl backends, and the wasm
                       binaries): a plain ``<script>`` tag, or ``browser/tfjs.mjs``, loads them;
* ``/threepio/<file>`` the runtime: ``executor.mjs`` and ``commands.mjs``;
* ``/browser/<file>``  this folder (the test harness, ``tfjs.mjs``);
* ``/federated/<file>`` ``examples/federated`` (the federated worker page);

plus whatever a test or an example adds: fixed responses (``server.add(path, body)``) and
handlers (``server.route(method, path, fn)``, ``fn(query, body) -> (status, type, bytes)``).
Nothing outside those folders and files is reachable, and every response says
``Cache-Control: no-store``.

    with Server() as server:            # or server.start() / server.stop()
        server.add("/case/plan.json", plan.to_json())
        print(server.url + "/browser/harness.html?backend=wasm")

``python browser/serve.py`` serves the folders above until interrupted, for a manual look.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
         ".json": "application/json", ".html": "text/html; charset=utf-8", ".css": "text/css",
         ".png": "image/png", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8",
         ".bin": "application/octet-stream"}
#: the TF.js files a page may load: URL name -> path under node_modules/@tensorflow
TFJS_FILES = {
    "tf-core.es2017.js": "tfjs-core/dist/tf-core.es2017.js",
    "tf-backend-cpu.es2017.js": "tfjs-backend-cpu/dist/tf-backend-cpu.es2017.js",
    "tf-backend-wasm.es2017.js": "tfjs-backend-wasm/dist/tf-backend-wasm.es2017.js",
    "tf-backend-webgl.es2017.js": "tfjs-backend-webgl/dist/tf-backend-webgl.es2017.js",
    "tfjs-backend-wasm.wasm": "tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
    "tfjs-backend-wasm-simd.wasm": "tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
    "tfjs-backend-wasm-threaded-simd.wasm":
        "tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
}
Handler = Callable[[dict, bytes], tuple[int, str, bytes]]


def node_modules() -> Path:
    from threepio.backends.tfjs import find_node_modules

    return find_node_modules()


class Server:
    """The localhost server; see the module docstring."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.mounts: dict[str, Path] = {
            "/threepio/": ROOT / "threepio" / "runtime",
            "/browser/": ROOT / "browser",
            "/federated/": ROOT / "examples" / "federated",
        }
        tf = node_modules() / "@tensorflow"
        self.files: dict[str, Path] = {f"/tfjs/{k}": tf / v for k, v in TFJS_FILES.items()}
        self.fixed: dict[str, tuple[str, bytes]] = {}
        self.handlers: dict[tuple[str, str], Handler] = {}
        self.log: list[str] = []
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- content -----------------------------------------------------------------------------
    def add(self, path: str, body: bytes | str | dict | list, content_type: str | None = None):
        """Serve ``body`` at ``path`` (a dict or list is sent as JSON)."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        ctype = content_type or TYPES.get(Path(path).suffix, "application/octet-stream")
        self.fixed[path] = (ctype, body)

    def route(self, method: str, path: str, fn: Handler):
        """Call ``fn(query, body)`` for ``method`` (GET or POST) requests to ``path``."""
        self.handlers[(method, path)] = fn

    # -- life --------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Server:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        name="threepio-http")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- serving -----------------------------------------------------------------------------
    def _resolve(self, path: str) -> Path | None:
        if path in self.files:
            return self.files[path]
        for prefix, root in self.mounts.items():
            if path.startswith(prefix):
                target = (root / path[len(prefix):]).resolve()
                if target.is_relative_to(root.resolve()) and target.is_file():
                    return target
        return None

    def _handler_class(self):
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            def log_message(self, fmt, *args):  # keep test output clean; kept for debugging
                server.log.append(fmt % args)

            def _send(self, status: int, ctype: str, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _dispatch(self, method: str):
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fn = server.handlers.get((method, parts.path))
                try:
                    if fn is not None:
                        return self._send(*fn(query, body))
                    if method in ("GET", "HEAD"):
                        if parts.path in server.fixed:
                            return self._send(HTTPStatus.OK, *server.fixed[parts.path])
                        file = server._resolve(parts.path)
                        if file is not None:
                            ctype = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
                            return self._send(HTTPStatus.OK, ctype or "application/octet-stream",
                                              file.read_bytes())
                    self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found\n")
                except Exception as e:  # a handler failed: tell the page, keep serving
                    server.log.append(f"{method} {parts.path}: {type(e).__name__}: {e}")
                    self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain",
                               f"{type(e).__name__}: {e}\n".encode())

            def do_GET(self):
                self._dispatch("GET")

            def do_HEAD(self):
                self._dispatch("GET")

            def do_POST(self):
                self._dispatch("POST")

        return RequestHandler


def json_reply(obj, status: int = HTTPStatus.OK) -> tuple[int, str, bytes]:
    """A handler's JSON response."""
    return status, "application/json", json.dumps(obj).encode()


def find_chromium() -> str | None:
    """``$THREEPIO_CHROMIUM``, or chromium-headless-shell on PATH or in /usr/bin."""
    import os
    import shutil

    for c in (os.environ.get("THREEPIO_CHROMIUM"), shutil.which("chromium-headless-shell"),
              "/usr/bin/chromium-headless-shell"):
        if c and os.access(c, os.X_OK):
            return c
    return None


def drive(urls, *, screenshot=None, screenshot_page: int = 0, sequential: bool = False,
          timeout: float = 180, chromium: str | None = None) -> dict:
    """Open ``urls`` in headless Chromium with ``browser/drive.mjs`` (puppeteer-core) and
    return its JSON report: ``{launch_ms, chromium, pages: [{url, ok, report, console, errors,
    ms}]}``. Raises RuntimeError when the browser cannot be started."""
    import subprocess

    from threepio.backends.tfjs import find_node

    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError("chromium-headless-shell is not installed: run `make browser-setup` "
                           "(or set THREEPIO_CHROMIUM)")
    cmd = [find_node(), str(ROOT / "browser" / "drive.mjs"), "--chromium", chromium,
           "--timeout", str(timeout)]
    if sequential:
        cmd.append("--sequential")
    if screenshot:
        Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
        cmd += ["--screenshot", str(screenshot), "--screenshot-page", str(screenshot_page)]
    proc = subprocess.run(cmd + list(urls), capture_output=True, text=True,
                          timeout=timeout * max(1, len(urls)) + 60, cwd=ROOT)
    if proc.returncode == 2 or not proc.stdout:
        raise RuntimeError(f"browser/drive.mjs failed (exit {proc.returncode}):\n"
                           f"{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def main() -> None:
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args()
    with Server(port=args.port) as server:
        print(f"serving on {server.url}/ (harness: {server.url}/browser/harness.html); "
              "Ctrl-C stops", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    main()
