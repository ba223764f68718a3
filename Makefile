# ogi-warehouse: `make demo` and `make test` work on a fresh clone with only python3.
# `make help` lists the targets.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OGI    := $(BIN)/ogi
STAMP  := $(VENV)/.installed-stamp
# The pages generated from the code by cog (scripts/docs_gen.py), and how to run it.
REFERENCES := docs/reference/cli.md docs/reference/schema.md
COG    := $(BIN)/cog -I .

.DEFAULT_GOAL := help
.PHONY: help install db demo test test-faults lint format check docs docs-refresh bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) ## Create .venv and install the project with its dev extras

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

db: install ## Build (or migrate) the embedded warehouse, data/warehouse.db
	$(OGI) db upgrade

demo: db ## Build the warehouse, load the sample data and show the main report
	$(OGI) load data/samples/
	$(OGI) report annual --agency 安陆市 --year 2017

test: install ## Run the whole suite (SQLite, and PostgreSQL when reachable)
	$(BIN)/pytest

test-faults: install ## The fault-injection suite with its long forms (kill -9 at 100 moments)
	$(BIN)/pytest tests/test_faults.py -m 'faults_long or not faults_long'

lint: install ## ruff (lint and format check), mypy, and the generated docs are current
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(COG) --check --check-fail-msg 'run make docs-refresh' $(REFERENCES)

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test ## Lint, then test

docs: install ## Build the documentation site into site/ (mkdocs, strict)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -d site/

docs-refresh: install ## Regenerate docs/reference/ (CLI and schema) from the code
	$(COG) -r $(REFERENCES)

bench: install ## Benchmarks (quick; ARGS=--scale for 10,000 files): bench/results.json, .md
	$(BIN)/python -m bench $(ARGS)

clean: ## Remove the environment and the built warehouse
	rm -rf $(VENV) data/warehouse.db data/warehouse.db-wal data/warehouse.db-shm bench/out site
