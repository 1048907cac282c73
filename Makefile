# Two commands do everything: `make build` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := build

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Where the raw exports live and how many customers the default sample has.
SEG_RAW_DIR ?= data/sample/raw
SEG_TRUTH_DIR ?= data/sample/truth
SAMPLE_CUSTOMERS ?= 5000
SAMPLE_SEED ?= 42
SAMPLE_STAMP := $(SEG_RAW_DIR)/.generated-$(SAMPLE_CUSTOMERS)-$(SAMPLE_SEED)

export SEG_RAW_DIR
export SEG_WAREHOUSE_PATH ?= warehouse/custseg.duckdb
export DBT_PROFILES_DIR := $(CURDIR)
export GX_ANALYTICS_ENABLED := False
export DO_NOT_TRACK := 1

.PHONY: build test venv sample dbt-build pytest lint clean lock

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Exact versions for every install; regenerate after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock

sample: $(SAMPLE_STAMP)

$(SAMPLE_STAMP): $(STAMP)
	rm -rf $(SEG_RAW_DIR) $(SEG_TRUTH_DIR)
	$(BIN)/python -m custseg.generate --customers $(SAMPLE_CUSTOMERS) --seed $(SAMPLE_SEED) \
		--out $(SEG_RAW_DIR) --truth $(SEG_TRUTH_DIR)
	touch $(SAMPLE_STAMP)

dbt-build: $(STAMP) $(SAMPLE_STAMP)
	mkdir -p $(dir $(SEG_WAREHOUSE_PATH))
	$(BIN)/dbt build --fail-fast
	@echo
	@echo "Warehouse: $(abspath $(SEG_WAREHOUSE_PATH))"
	@echo "Query it:  $(BIN)/python -c \"import duckdb; print(duckdb.connect('$(SEG_WAREHOUSE_PATH)', read_only=True).sql('select source_system, rows_in, rows_staged, rows_quarantined from main_audit.raw_row_reconciliation'))\""

build: dbt-build

pytest: $(STAMP) $(SAMPLE_STAMP)
	$(BIN)/pytest

lint: $(STAMP) $(SAMPLE_STAMP)
	$(BIN)/sqlfluff lint models macros tests analyses snapshots

# Everything the project checks; works on a fresh clone (it sets up what it needs).
test: dbt-build pytest lint

clean:
	rm -rf $(VENV) target logs warehouse data/sample dbt_packages
