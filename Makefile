# Developer entry points. Every target that needs Python depends on the venv
# stamp, so a fresh checkout needs only `python3` and GNU make: the venv is
# (re)built only when pyproject.toml is newer than the stamp.

VENV ?= .venv
PYTHON ?= python3
PY = $(VENV)/bin/python
STAMP = $(VENV)/.installed
# Absolute, so tools that chdir (tests, subprocesses) still find `temporal`.
VENV_BIN = $(abspath $(VENV))/bin
PYTEST_ARGS ?=
# pytest-xdist workers, each with its own dev and time-skipping servers (0: one process).
# Four on two cores: the chaos test holds one for two minutes while three run the rest,
# whose tests wait (timers, retries, subprocesses) more than they compute; with three the
# run ended ~25 s after the chaos test, for the same CPU (docs/testing.md, fourth pass).
TEST_WORKERS ?= 4
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run demo worker console test chaos-multi record-histories golden preview lint fmt bench clean clean-data

help: ## List targets
	@echo "Targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-17s %s\n", $$1, $$2}'

# The venv's packages are installed by uv (pinned, itself installed by the venv's pip): on
# a fresh clone it takes about a third of pip's wall time and CPU (docs/testing.md). They are
# byte-compiled once, here: with PYTHONDONTWRITEBYTECODE set, Python would otherwise compile
# every module it imports again in every process (about 1 s of CPU per `python -m cli`).
# PYTHONWARNINGS: setuptools' "Editable installation" warning block, printed on every first
# install, is about folders that shadow their package; here the folders are the packages.
UV_VERSION = 0.13.8
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet uv==$(UV_VERSION)
	PYTHONWARNINGS=ignore $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -e '.[dev]'
	touch $@

run: $(STAMP) ## Dev server (data/) + worker + demo (once: a second run reuses it); Ctrl-C stops all
	PATH="$(VENV_BIN):$$PATH" $(PY) -m devtools.run_local

demo: $(STAMP) ## As `make run`, and files the demo's seven complaints again
	PATH="$(VENV_BIN):$$PATH" $(PY) -m devtools.run_local --demo

worker: $(STAMP) ## Worker only, against an already running server
	PATH="$(VENV_BIN):$$PATH" $(PY) -m workers.worker

console: $(STAMP) ## Staff console only, against a running server (COMPLAINTS_CONSOLE_DEV=1: dev sign-in)
	PATH="$(VENV_BIN):$$PATH" $(PY) -m console

test: $(STAMP) ## Run pytest on TEST_WORKERS workers (extra args via PYTEST_ARGS=...)
	PATH="$(VENV_BIN):$$PATH" $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Not in `make test`: several minutes on 2 cores. CI runs it after `make test` (.ci/run).
chaos-multi: $(STAMP) ## Three workers, one killed -9, 512 complaints over the HTTP backend (minutes)
	PATH="$(VENV_BIN):$$PATH" MULTI_WORKER=1 $(PY) -m pytest -n 0 -q \
		tests/reliability/test_multi_worker.py $(PYTEST_ARGS)

record-histories: $(STAMP) ## Re-record the replay tests' histories from the current workflow
	PATH="$(VENV_BIN):$$PATH" $(PY) -m tests.replay.record

golden: $(STAMP) ## Rewrite the golden customer messages after a reviewed change of wording
	$(PY) -m tests.activities.messages.golden

preview: $(STAMP) ## Render a customer message: make preview ARGS="decline lv sms"
	$(PY) -m activities.messages.preview $(ARGS)

lint: $(STAMP) ## ruff check + format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: $(STAMP) ## ruff format + autofix
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: ## Engine vs Temporal floor, see docs/bench.md (BENCH_ARGS="--quick" etc.)
	@if [ -d bench ]; then \
		$(MAKE) --no-print-directory $(STAMP) && PATH="$(VENV_BIN):$$PATH" $(PY) -m bench $(BENCH_ARGS); \
	else \
		echo "no benchmarks yet"; \
	fi

clean: ## Remove venv and caches (keeps data/)
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

clean-data: ## Remove the local Temporal database (data/)
	rm -rf data
