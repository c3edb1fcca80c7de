# Envoice — two commands do all set-up: `make demo` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SANDBOX_PORT ?= 8765
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/envoice
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: demo test test-fast lint format venv system-deps test-services vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt requirements-models.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -r requirements-models.txt
	touch $@

$(VENV)/.installed: requirements.txt requirements-models.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -r requirements-models.txt
	touch $@

venv: $(VENV)/.installed

system-deps:
	@bash scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES)

demo: $(VENV)/.installed
	@bash scripts/ensure-system-packages.sh ocr
	PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) $(BIN)/python scripts/run_demo.py

test: $(VENV)/.installed-dev
	@bash scripts/ensure-system-packages.sh ocr browser
	@bash scripts/ensure-test-services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/ruff check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the browser, end-to-end (real worker) and slow tests: a quick loop while working.
test-fast: $(VENV)/.installed-dev
	@bash scripts/ensure-system-packages.sh ocr
	@bash scripts/ensure-test-services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/ruff check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest -m "not browser and not e2e and not slow" $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

vendor:
	bash scripts/vendor-static.sh

clean:
	rm -rf var staticfiles .pytest_cache
