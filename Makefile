# threepio: `make demo` (the main job) and `make test` set up everything they need on a fresh
# machine: a .venv with the pinned Python packages (constraints.txt) and node_modules from
# package-lock.json. Both steps are skipped when already done and their inputs are unchanged.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.threepio-installed
NODE_STAMP := node_modules/.threepio-installed
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: setup demo test lint bench clean

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

bench: setup
	$(PY) bench/translate_bench.py
	$(PY) bench/run_bench.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache
