# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create .venv and install the pinned dependencies when they are missing or have changed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.8
DISTS := libs/contracts libs/runtime $(wildcard services/*)
STAMP := $(VENV)/.installed
PY_SOURCES := libs services tests bench

.PHONY: install run test test-bulk test-fast lint fmt bench lock contracts clean

install: $(STAMP)

$(STAMP): requirements.txt $(foreach d,$(DISTS),$(d)/pyproject.toml)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV) pip sync --quiet --python $(BIN)/python requirements.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps $(foreach d,$(DISTS),-e $(d))
	@touch $@

run: install
	$(BIN)/parley dev

lint: install
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/mypy $(PY_SOURCES)

fmt: install
	$(BIN)/ruff format $(PY_SOURCES)
	$(BIN)/ruff check --fix $(PY_SOURCES)

test: lint
	$(BIN)/pytest -q -m "not bulk"

# The full-scale acceptance tests (a 100,000-row import, a 10,000-contact campaign at 80/s) run in
# a session of their own: their volume would otherwise sit in the shared streams for every later
# test. CI runs them after `make test`.
test-bulk: install
	$(BIN)/pytest -q -m bulk

test-fast: install
	$(BIN)/pytest -q -m "not e2e and not bulk"

bench: install
	$(BIN)/python bench/eventstore.py
	$(BIN)/python bench/flow_engine.py
	$(BIN)/python bench/messaging.py
	$(BIN)/python bench/gateway_ws.py
	$(BIN)/python bench/campaign.py

# Regenerate the committed JSON Schemas after changing a contract.
contracts: install
	$(BIN)/parley contracts export

# Re-pin third-party dependencies after editing requirements.in. uv writes no index address.
lock: install
	$(UV) pip compile --quiet --python-version 3.11 requirements.in -o requirements.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
