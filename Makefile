# Township digital cockpit: `make run` starts the app, `make test` runs every test.
# Both create .venv (with $(PYTHON)) and install the pinned requirements when needed.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# Address to listen on (empty: every address); 127.0.0.1 behind a reverse proxy on the same machine.
ADDRESS ?=
# The database `make run` builds when missing; the app reads the same setting (COCKPIT_DB).
DB     ?= $(or $(COCKPIT_DB),data/cockpit.duckdb)
# The last month of the generated sample (`make sample`).
SAMPLE_END ?= 2026-10

RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP     := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help run test check db sample clean clean-db distclean venv

help:
	@echo "make run        set up .venv, build the sample database if missing, start the app on port $(PORT)"
	@echo "make test       set up .venv with test tools, run the whole test suite (unit, app, browser)"
	@echo "make check      the quick loop: unit tests on two cores and cockpit/'s doctests (under two minutes)"
	@echo "make db         build the database from sample_data/ (REPLACE=1 to rebuild an existing one)"
	@echo "make sample     regenerate the synthetic sample township (sample_data/ and geodata/)"
	@echo "make clean      remove caches and screenshots; clean-db removes the database; distclean also .venv"

# --- virtual environment -------------------------------------------------------------------
$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changed (the stamp is older than it).
$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

venv: $(RUNTIME_STAMP)

# --- database ------------------------------------------------------------------------------
# Built only when missing: an existing database may hold imports and decisions.
$(DB): | $(RUNTIME_STAMP)
	@mkdir -p "$(dir $(DB))"
	$(PY) -m cockpit init-db --db "$(DB)"

db: $(RUNTIME_STAMP)
	@mkdir -p "$(dir $(DB))"
	$(PY) -m cockpit init-db --db "$(DB)" $(if $(REPLACE),--replace)

sample: $(RUNTIME_STAMP)
	$(PY) -m cockpit generate --end $(SAMPLE_END)
	@echo "sample regenerated; rebuild the database with: make db REPLACE=1"

# --- run and test --------------------------------------------------------------------------
run: $(RUNTIME_STAMP) $(DB)
	COCKPIT_DB="$(DB)" $(VENV)/bin/streamlit run serve.py --server.port $(PORT) $(if $(ADDRESS),--server.address $(ADDRESS))

test: $(DEV_STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The quick loop while changing code: unit tests on both cores and the docstring examples of cockpit/,
# without AppTests, browser tests and the slow ones (`make test` runs everything, as CI does).
check: $(DEV_STAMP)
	$(PY) -m pytest -q -n 2 -m "not slow" --ignore=tests/app --ignore=tests/e2e tests
	$(PY) -m pytest -q --doctest-modules cockpit

# --- cleaning ------------------------------------------------------------------------------
clean:
	rm -rf .pytest_cache screenshots
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

clean-db:
	rm -f "$(DB)" "$(DB).wal"

distclean: clean clean-db
	rm -rf $(VENV)
