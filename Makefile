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

.PHONY: install run test test-bulk test-fast test-web test-browser lint lint-web fmt bench lock contracts clean web chromium nginx

install: $(STAMP)

$(STAMP): requirements.txt $(foreach d,$(DISTS),$(d)/pyproject.toml)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV) pip sync --quiet --python $(BIN)/python requirements.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps $(foreach d,$(DISTS),-e $(d))
	@touch $@

# The web app (web/): node modules from the lock file, then the production build the gateway
# serves at /.
WEB_STAMP := web/node_modules/.installed

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web: $(WEB_STAMP)
	cd web && npm run --silent build

# Browser tests drive Debian's chromium (playwright-core downloads no browser).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The deployment checks (tests/deploy) run `nginx -t` on deploy/nginx and proxy through Debian's
# nginx to a running gateway.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get update -qq && apt-get install -y -qq nginx >/dev/null)

run: install web
	$(BIN)/parley dev

lint: install lint-web
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/mypy $(PY_SOURCES)

lint-web: $(WEB_STAMP)
	cd web && npm run --silent typecheck && npm run --silent lint

fmt: install
	$(BIN)/ruff format $(PY_SOURCES)
	$(BIN)/ruff check --fix $(PY_SOURCES)

test: lint test-web nginx
	$(BIN)/pytest -q -m "not bulk"
	$(MAKE) --no-print-directory test-browser

# Unit tests of the web app (vitest).
test-web: $(WEB_STAMP)
	cd web && npm test --silent

# The web app in chromium against the whole system started by the test (tests/e2e/browser).
# Screenshots of each main page land in web/test-results/screenshots.
test-browser: install web chromium
	cd web && npm run --silent e2e

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
	$(BIN)/python bench/quotas.py

# Regenerate the committed JSON Schemas after changing a contract.
contracts: install
	$(BIN)/parley contracts export

# Re-pin third-party dependencies after editing requirements.in or requirements-runtime.in. uv
# writes no index address. The runtime set (what images install) is compiled against the whole
# set's pins, so both files name the same versions.
lock: install
	$(UV) pip compile --quiet --python-version 3.11 requirements.in -o requirements.txt
	$(UV) pip compile --quiet --python-version 3.11 requirements-runtime.in \
		-c requirements.txt -o requirements-runtime.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
