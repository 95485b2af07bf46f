# make run: set everything up and serve the demo at http://127.0.0.1:8000
# make test: set everything up and run the whole suite, on SQLite and on PostgreSQL
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := PORTFOLIO_DEMO=1

.PHONY: run test install install-test migrate bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# Lighthouse comes from npm (pinned in tests/node/package-lock.json); Node 20 is enough for it.
$(VENV)/.installed-test: pyproject.toml tests/node/package-lock.json $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/portfolio migrate

run: install
	$(DEMO) $(BIN)/portfolio migrate
	$(DEMO) $(BIN)/portfolio seed-demo
	$(DEMO) $(BIN)/portfolio serve --host 127.0.0.1 --port 8000

# piccolo finds one engine per process, so the suite runs twice: every test on SQLite, and every database
# test and the browser smoke tests on PostgreSQL (127.0.0.1:5432; it makes and drops its own databases).
# The two runs share nothing, so they run side by side; each one's output is printed when both are done.
# Lighthouse on every page runs once, in the shorter PostgreSQL run, so the two end closer together.
test: install-test
	@mkdir -p var
	$(BIN)/ruff check portfolio tests
	@$(BIN)/python -m pytest -q --durations=15 -m "not lighthouse" > var/test-sqlite.log 2>&1 & sqlite=$$!; \
	PORTFOLIO_TEST_DB=postgres $(BIN)/python -m pytest -q --durations=15 -m "not browser or smoke or lighthouse" > var/test-postgres.log 2>&1 & pg=$$!; \
	wait $$sqlite; s=$$?; wait $$pg; p=$$?; \
	echo "== SQLite"; cat var/test-sqlite.log; echo "== PostgreSQL"; cat var/test-postgres.log; \
	test $$s -eq 0 && test $$p -eq 0

clean:
	rm -rf $(VENV) var .pytest_cache

# Performance targets and their report (var/bench/report.md); exits non-zero when a target is missed.
bench: install-test
	$(BIN)/python -m tests.bench

# A full-page PNG of every page of every role at 360 and 1280 px from the demo data, and an index.html
# showing them all: var/screenshots/index.html.
screenshots: install-test
	$(BIN)/python -m tests.screenshots
