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
# The sample's people are invented, so its PII digests may use a known key; real data needs a secret one.
export SEG_PII_HASH_KEY ?= custseg-sample-data-only
# The sample's steward decisions (seeds/sample/: overrides, stewards, targets...) name its customers and
# people: they apply to the sample only. Any other folder gets the steward seeds of seeds/steward/.
export SEG_STEWARD_DECISIONS ?= sample
endif
# The sample as exported on successive dates (the generator's end date is 2026-10-31), for make periods.
PERIODS ?= 2026-08-31 2026-09-30 2026-10-31
PERIODS_DIR := data/periods
BENCH_CUSTOMERS ?= 1000000
BENCH_RUNS ?= 3
# Identity resolution is benchmarked at each of these scales (default and cross-system shapes).
BENCH_IDENTITY_CUSTOMERS ?= 100000 $(BENCH_CUSTOMERS)
# make identity-reference: the cross-system shape at this scale, beside FEBRL 1 and 2.
IDENTITY_REFERENCE_CUSTOMERS ?= 5000
# make bench-smoke (part of make test): every benchmark once at this tiny scale, no timing figures judged.
# The cross-system shape runs the same code as generated data (its derivation is unit-tested): left out
# to keep make test short, add it here to smoke it too.
BENCH_SMOKE_CUSTOMERS ?= 300
BENCH_SMOKE_DATASETS ?= generated febrl1
export DBT_PROFILES_DIR := $(CURDIR)
export GX_ANALYTICS_ENABLED := False
export DO_NOT_TRACK := 1

.PHONY: build test venv sample dbt-build periods pytest lint quality docs browser bench bench-smoke identity-reference identity-accuracy segmentation-accuracy clean lock

# Splink, the identity benchmark's reference, lives in its own environment (bench only).
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

# lifetimes, the BTYD models' reference, lives in its own environment too (it needs numpy<2, pandas<2).
.PHONY: btyd-reference
REF_VENV := .venv-reference
REF_STAMP := $(REF_VENV)/.installed
BTYD_REFERENCE_DIR := target/btyd_reference

venv: $(STAMP)

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set, as on CI, Python would otherwise
# compile every module again in each process (dbt's imports alone: about 5 s instead of 2.5).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Installed with the project environment's uv; bytecode compiled, as every benchmark starts fresh processes.
$(BENCH_STAMP): requirements-bench.lock | $(STAMP)
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BENCH_VENV)/bin/python -r requirements-bench.lock
	touch $(BENCH_STAMP)

$(REF_STAMP): requirements-reference.lock | $(STAMP)
	$(PYTHON) -m venv $(REF_VENV)
	$(BIN)/uv pip install --quiet --python $(REF_VENV)/bin/python -r requirements-reference.lock
	touch $(REF_STAMP)

# Exact versions for every install; regenerate after editing pyproject.toml or requirements-bench.in.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile requirements-bench.in --python-version 3.11 -o requirements-bench.lock

sample: $(SAMPLE_STAMP)

# Generated again when the generator changes, so that the sample is always what the generator writes.
$(SAMPLE_STAMP): $(STAMP) src/custseg/generate.py src/custseg/vocab.py
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

# The last as-of date in the warehouse's segment history (empty when it has none yet).
define PERIODS_LAST_RECORDED
import duckdb, os, sys
path = sys.argv[1]
con = duckdb.connect(path, read_only=True) if os.path.exists(path) else None
found = con and con.execute("select count(*) from information_schema.tables where table_schema = 'main' and table_name = 'snp_customer_segments'").fetchone()[0]
print(con.execute("select coalesce(cast(max(cast(as_of_date as date)) as varchar), '') from main.snp_customer_segments").fetchone()[0] if found else "")
endef
export PERIODS_LAST_RECORDED

# The sample as it stood on each date of PERIODS, built in order into one warehouse, so that the
# snapshots record how segments change from one export to the next (not part of make test).
# Each export is generated once (stamp per date, customers and seed; again if it lacks the generator's
# marker, which the sample's steward decisions require). Dates the warehouse's
# history already reaches are skipped: building them again would record them a second time, after
# later ones, so running make periods twice adds nothing.
periods: $(STAMP)
	mkdir -p $(dir $(SEG_WAREHOUSE_PATH))
	for d in $(PERIODS); do \
		dir=$(PERIODS_DIR)/$$d; \
		if [[ ! -e $$dir/.generated-$(SAMPLE_CUSTOMERS)-$(SAMPLE_SEED) || ! -e $$dir/raw/_custseg_generated.json ]]; then \
			rm -rf $$dir; \
			$(BIN)/python -m custseg.generate --customers $(SAMPLE_CUSTOMERS) --seed $(SAMPLE_SEED) \
				--export-date $$d --out $$dir/raw --truth $$dir/truth --no-progress || exit 1; \
			touch $$dir/.generated-$(SAMPLE_CUSTOMERS)-$(SAMPLE_SEED); \
		fi; \
		recorded=$$($(BIN)/python -c "$$PERIODS_LAST_RECORDED" $(SEG_WAREHOUSE_PATH)) || exit 1; \
		if [[ -n $$recorded && ! $$d > $$recorded ]]; then \
			echo "$$d: skipped, the history in $(SEG_WAREHOUSE_PATH) already reaches $$recorded"; \
			continue; \
		fi; \
		echo "$$d: dbt build"; \
		$(BIN)/dbt build --vars "{raw_data_dir: $(abspath $(PERIODS_DIR))/$$d/raw, features_as_of_date: $$d}" || exit 1; \
	done
	@echo
	@echo "Warehouse: $(abspath $(SEG_WAREHOUSE_PATH))"
	@echo "History:   $(BIN)/python -c \"import duckdb; print(duckdb.connect('$(SEG_WAREHOUSE_PATH)', read_only=True).sql('select as_of_date, count(*) from main.snp_customer_segments group by 1 order by 1'))\""

# Two workers: a dbt build leaves a core idle much of the time (per-node overhead, not DuckDB).
pytest: $(STAMP) browser
	$(BIN)/pytest -n 2

# sqlfluff compiles the project against its own scratch warehouse, never the real one; dbt-score reads
# the manifest of a parse (its rules and thresholds: pyproject.toml, [tool.dbt-score]).
lint: $(STAMP)
	mkdir -p target
	SEG_WAREHOUSE_PATH=target/sqlfluff.duckdb SEG_PII_HASH_KEY=compile-only $(BIN)/sqlfluff lint models tests analyses snapshots --processes 0
	$(BIN)/dbt parse --quiet
	$(BIN)/dbt-score lint --manifest target/manifest.json

# Great Expectations suites over the warehouse's public marts and identity outputs, with Data Docs.
QUALITY := $(BIN)/python -m custseg.quality --warehouse $(SEG_WAREHOUSE_PATH) --out target/quality
quality: dbt-build
	$(QUALITY)

# The docs site as one offline file, opened in headless Chromium to check the assignment mart's lineage.
docs: dbt-build browser
	$(BIN)/dbt docs generate --static
	$(BIN)/python -m custseg.docs_site --docs target/static_index.html --model dim_customer_segments \
		--screenshot target/docs_lineage.png

# Debian's Chromium for the docs check: installed with apt when missing and this user may.
browser:
	@if [[ -n "$$SEG_CHROMIUM" || -x /usr/bin/chromium ]]; then exit 0; \
	elif [[ $$(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then \
		apt-get install -y --no-install-recommends chromium >/dev/null \
			|| { apt-get update -qq && apt-get install -y --no-install-recommends chromium >/dev/null; }; \
	else echo "The docs check needs Chromium: install Debian's package (sudo apt-get install chromium) or set SEG_CHROMIUM to a Chromium binary." >&2; exit 1; fi

# Speed and memory at scale, medians of several runs (see README, Performance): the generator, then
# identity resolution beside Splink 5 on FEBRL 1 and 2 and on generated customers at each scale of
# BENCH_IDENTITY_CUSTOMERS, in the default shape and the cross-system shape (ERP without identifiers).
IDENTITY_BENCH := $(BIN)/python -m custseg.bench_identity --splink-python $(BENCH_VENV)/bin/python
bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m custseg.bench --customers $(BENCH_CUSTOMERS) --runs $(BENCH_RUNS)
	$(IDENTITY_BENCH) --datasets febrl1 febrl2 --runs $(BENCH_RUNS)
	for n in $(BENCH_IDENTITY_CUSTOMERS); do \
		$(IDENTITY_BENCH) --datasets generated cross-system --customers $$n --runs $(BENCH_RUNS) || exit 1; \
	done

# Accuracy of identity resolution beside Splink, one run each, no timing medians: FEBRL 1 and 2 and
# the cross-system shape of IDENTITY_REFERENCE_CUSTOMERS generated customers.
identity-reference: $(STAMP) $(BENCH_STAMP)
	$(IDENTITY_BENCH) --datasets febrl1 febrl2 cross-system --customers $(IDENTITY_REFERENCE_CUSTOMERS) --runs 1

# Every benchmark once at a tiny scale, so that none of them rots between runs of make bench: fails
# when one crashes; its timings are printed, never judged.
bench-smoke: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m custseg.bench --customers $(BENCH_SMOKE_CUSTOMERS) --runs 1
	$(IDENTITY_BENCH) --datasets $(BENCH_SMOKE_DATASETS) --customers $(BENCH_SMOKE_CUSTOMERS) --runs 1

# Pairwise precision and recall of the crosswalk against the sample's ground truth, per kind of pair,
# and the blocking recall (the share of true pairs that were compared at all).
identity-accuracy: dbt-build
	$(BIN)/python -m custseg.identity_accuracy --warehouse $(SEG_WAREHOUSE_PATH) --truth $(SAMPLE_DIR)/truth \
		--by-pair-type --blocking

# Adjusted Rand index of the cluster segments against the planted segments of the sample.
segmentation-accuracy: dbt-build
	$(BIN)/python -m custseg.segmentation_accuracy --warehouse $(SEG_WAREHOUSE_PATH) --truth $(SAMPLE_DIR)/truth

# custseg.btyd's BG/NBD and Gamma-Gamma fits on CDNOW beside lifetimes' (parameters within 1%); then the
# project's features built from CDNOW's orders (as a user's two files) beside lifetimes'
# summary_data_from_transaction_data, customer by customer (frequency, recency, T exact; monetary 1e-9).
btyd-reference: $(STAMP) $(REF_STAMP)
	$(REF_VENV)/bin/python src/custseg/btyd_reference.py --out $(BTYD_REFERENCE_DIR)
	$(BIN)/python -m custseg.btyd_check --reference $(BTYD_REFERENCE_DIR)
	$(BIN)/python -m custseg.btyd_summary_check --reference $(BTYD_REFERENCE_DIR)

# Everything the project checks; works on a fresh clone (it sets up what it needs). After the build,
# pytest, the linters, the BTYD reference and the benchmarks' smoke run run side by side (three at a
# time), each target's output printed whole when it ends; then the GX suites on the built warehouse. The build comes first so that a broken project
# fails fast. The docs site is checked in Chromium by pytest, on its own builds.
test: dbt-build
	$(MAKE) --no-print-directory --output-sync=target -j3 pytest lint btyd-reference bench-smoke
	$(QUALITY)

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(REF_VENV) target logs warehouse $(SAMPLE_DIR) $(PERIODS_DIR) dbt_packages
