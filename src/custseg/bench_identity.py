"""Benchmark of identity resolution: the project's identity models beside Splink 5 on the same records.

``python -m custseg.bench_identity --customers 1000000 --runs 3`` generates the customers once,
stages them with dbt (not timed), then per run:

* times the identity stage, party records to crosswalk (``dbt run`` of those models on a copy of
  the staged warehouse, so that every run starts without a customer id registry), wall clock
  including dbt's start-up, then builds the rest of the identity models (golden record,
  explanations, review queue) and times that separately;
* times Splink 5 deduplicating the same standardized party records (``custseg.splink_reference``,
  run by ``--splink-python``, an environment with splink installed: ``make bench`` makes one);

and prints the medians and the pairwise precision/recall of both against the generator's truth.
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
from pathlib import Path

import duckdb

from custseg.identity_accuracy import clustering_accuracy

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))
CROSSWALK_PATH = ["int_identity__party_records+", "int_identity__link_decisions+", "--exclude", "int_identity__golden_records+",
                  "int_identity__link_explanations+"]
REST = ["int_identity__golden_records+", "int_identity__link_explanations+"]
SPLINK_COLUMNS = (
    "source_record_key, source_system, source_record_id, party_type, first_name_std, last_name_std, company_name_std, "
    "email, phone_e164, street_std, house_number, postcode, city_std, country_code, tax_id, national_id, web_domain, "
    "birth_date, updated_at"
)


def _dbt(args: list[str], raw: Path, warehouse: Path, target: Path) -> float:
    env = {**os.environ, "SEG_RAW_DIR": str(raw), "SEG_WAREHOUSE_PATH": str(warehouse),
           "DBT_PROFILES_DIR": str(PROJECT_DIR), "DO_NOT_TRACK": "1"}
    start = time.perf_counter()
    done = subprocess.run([DBT, *args, "--target-path", str(target), "--log-path", str(target / "logs")],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{done.stdout[-4000:]}")
    return seconds


def _splink(python: str, records: Path, out: Path, threads: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src")}
    done = subprocess.run([python, "-m", "custseg.splink_reference", "--records", str(records), "--out", str(out),
                           "--threads", str(threads)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Splink failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    match = re.search(r"([0-9.]+) s\s*$", done.stdout.strip())
    if not match:
        raise RuntimeError(f"Splink printed no time:\n{done.stdout[-2000:]}")
    return float(match.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.bench_identity", description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="reuse a generated folder (raw/ and truth/) instead of generating")
    parser.add_argument("--splink-python", help="python of an environment with splink 5 (skip Splink if absent)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="custseg-bench-identity-") as tmp_name:
        tmp = Path(tmp_name)
        data = args.data or tmp / "data"
        if args.data is None:
            subprocess.run([sys.executable, "-m", "custseg.generate", "--customers", str(args.customers), "--seed",
                            str(args.seed), "--out", str(data / "raw"), "--truth", str(data / "truth"), "--no-progress"],
                           check=True, capture_output=True)
        raw, truth = data / "raw", data / "truth"
        staged = tmp / "staged.duckdb"
        _dbt(["seed"], raw, staged, tmp / "target")
        _dbt(["run", "--select", "+int_identity__party_records", "--exclude", "int_identity__party_records",
              "int_identity__link_decisions"],
             raw, staged, tmp / "target")
        records_file = tmp / "party_records.parquet"

        ours, rest, theirs = [], [], []
        for run in range(args.runs):
            warehouse = tmp / "run.duckdb"
            shutil.copy(staged, warehouse)
            ours.append(_dbt(["run", "--select", *CROSSWALK_PATH], raw, warehouse, tmp / "target"))
            rest.append(_dbt(["run", "--select", *REST], raw, warehouse, tmp / "target"))
            print(f"run {run + 1}: identity stage {ours[-1]:.1f} s; golden record and explanations {rest[-1]:.1f} s",
                  flush=True)
        with duckdb.connect(str(warehouse)) as con:
            records = con.execute("select count(*) from main.int_identity__party_records").fetchone()[0]
            con.execute(f"copy (select {SPLINK_COLUMNS} from main.int_identity__party_records) to '{records_file}'")
            our_accuracy = clustering_accuracy(
                con, "select customer_id, source_system, source_record_id from main.dim_customer_crosswalk", truth
            )
        if args.splink_python:
            clusters = tmp / "splink_clusters.parquet"
            for run in range(args.runs):
                theirs.append(_splink(args.splink_python, records_file, clusters, args.threads))
                print(f"run {run + 1}: Splink {theirs[-1]:.1f} s", flush=True)
            with duckdb.connect() as con:
                their_accuracy = clustering_accuracy(
                    con,
                    f"select cast(cluster_id as varchar) as customer_id, split_part(source_record_key, ':', 1) as "
                    f"source_system, substr(source_record_key, strpos(source_record_key, ':') + 1) as source_record_id "
                    f"from read_parquet('{clusters}')",
                    truth,
                )

    print(f"\nidentity resolution, {args.customers:,} customers, {records:,} source records, median of {args.runs} runs")
    print(f"  project identity stage (records to crosswalk): {statistics.median(ours):.1f} s wall, "
          f"precision {our_accuracy['precision']:.4f}, recall {our_accuracy['recall']:.4f}, "
          f"over-merged {our_accuracy['over_merged_entities']:,}, under-merged {our_accuracy['under_merged_entities']:,}")
    print(f"  project golden record, explanations, review queue: {statistics.median(rest):.1f} s wall")
    if theirs:
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(f"  Splink 5 (DuckDB): {statistics.median(theirs):.1f} s, precision {their_accuracy['precision']:.4f}, "
              f"recall {their_accuracy['recall']:.4f}, over-merged {their_accuracy['over_merged_entities']:,}, "
              f"under-merged {their_accuracy['under_merged_entities']:,}")
        print(f"  time ratio project / Splink: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
