# Two commands do everything: `make build` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := build

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The generated sample, and where the raw exports are read from (the sample unless SEG_RAW_DIR says otherwise).
SAMPLE_DIR := data/sample
SAMPLE_CUSTOMERS ?= 5000
SAMPLE_SEED ?= 42
SAMPLE_STAMP := $(SAMPLE_DIR)/.generated-$(SAMPLE_CUSTOMERS)-$(SAMPLE_SEED)
SEG_RAW_DIR ?= $(SAMPLE_DIR)/raw
# Absolute, so that the raw views in the warehouse work from any working directory.
export SEG_RAW_DIR := $(abspath $(SEG_RAW_DIR))
export SEG_WAREHOUSE_PATH ?= warehouse/custseg.duckdb
# Your own data is never overwritten: the sample is generated only when it is what dbt reads.
ifeq ($(SEG_RAW_DIR),$(abspath $(SAMPLE_DIR)/raw))
RAW_DATA := $(SAMPLE_STAMP)
endif
BENCH_CUSTOMERS ?= 1000000
BENCH_RUNS ?= 3
export DBT_PROFILES_DIR := $(CURDIR)
export GX_ANALYTICS_ENABLED := False
export DO_NOT_TRACK := 1

.PHONY: build test venv sample dbt-build pytest lint bench clean lock

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
	rm -rf $(SAMPLE_DIR)
	$(BIN)/python -m custseg.generate --customers $(SAMPLE_CUSTOMERS) --seed $(SAMPLE_SEED) \
		--out $(SAMPLE_DIR)/raw --truth $(SAMPLE_DIR)/truth
	touch $(SAMPLE_STAMP)

dbt-build: $(STAMP) $(RAW_DATA)
	mkdir -p $(dir $(SEG_WAREHOUSE_PATH))
	$(BIN)/dbt build
	@echo
	@echo "Warehouse: $(abspath $(SEG_WAREHOUSE_PATH))"
	@echo "Query it:  $(BIN)/python -c \"import duckdb; print(duckdb.connect('$(SEG_WAREHOUSE_PATH)', read_only=True).sql('from main.int_raw_row_reconciliation'))\""

build: dbt-build

pytest: $(STAMP)
	$(BIN)/pytest

# sqlfluff compiles the project against its own scratch warehouse, never the real one.
lint: $(STAMP)
	mkdir -p target
	SEG_WAREHOUSE_PATH=target/sqlfluff.duckdb $(BIN)/sqlfluff lint models tests analyses snapshots

# Speed and memory of the generator at scale: median of several runs (see README, Performance).
bench: $(STAMP)
	$(BIN)/python -m custseg.bench --customers $(BENCH_CUSTOMERS) --runs $(BENCH_RUNS)

# Everything the project checks; works on a fresh clone (it sets up what it needs).
test: dbt-build pytest lint

clean:
	rm -rf $(VENV) target logs warehouse $(SAMPLE_DIR) dbt_packages
