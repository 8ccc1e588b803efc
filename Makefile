# threepio: `make demo` (the main job) and `make test` set up everything they need on a fresh
# machine: a .venv with the pinned Python packages (constraints.txt) and node_modules from
# package-lock.json. Both steps are skipped when already done and their inputs are unchanged.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.threepio-installed
NODE_STAMP := node_modules/.threepio-installed
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: setup demo test lint bench conformance clean

setup: $(VENV_STAMP) $(NODE_STAMP)

$(VENV_STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(PY) examples/demo.py

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check threepio tests examples bench

# the full OpInfo matrix on every target (2 processes); rewrites docs/coverage.{json,md}
conformance: setup
	$(PY) -m threepio.conformance --jobs 2

bench: setup
	$(PY) bench/translate_bench.py
	$(PY) bench/trace_bench.py
	$(PY) bench/run_bench.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache

# -- the browser (tests/test_browser.py, examples/federated) ---------------------------------
# Headless Chromium from Debian's chromium-headless-shell package, installed when missing (as
# root, or with sudo); instant when present. `make test` runs the browser tests too (about
# 25 s; installing the browser took 23 s here), so it installs the browser first.
CHROMIUM ?= $(or $(THREEPIO_CHROMIUM),$(shell command -v chromium-headless-shell 2>/dev/null),/usr/bin/chromium-headless-shell)
export THREEPIO_CHROMIUM := $(CHROMIUM)

.PHONY: browser-setup browser-test federated

browser-setup:
	@test -x "$(CHROMIUM)" || { \
	  echo "installing chromium-headless-shell (apt-get)"; \
	  SUDO=$$(test "$$(id -u)" -eq 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends chromium-headless-shell >/dev/null; }
	@test -x "$(CHROMIUM)" || { echo "error: no browser at $(CHROMIUM)" >&2; exit 1; }

test: browser-setup

browser-test: setup browser-setup
	$(PY) -m pytest -m browser -q

federated: setup browser-setup
	$(PY) examples/federated/server.py --drive --screenshot out/federated_worker0.png

lint: lint-browser

.PHONY: lint-browser
lint-browser: setup
	$(VENV)/bin/ruff check browser
