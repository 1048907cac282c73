"""The project's buy-till-you-die summary beside lifetimes', customer by customer (make btyd-reference).

``python -m custseg.btyd_summary_check --reference DIR`` reads ``DIR/cdnow_transactions/``, written by
``src/custseg/btyd_reference.py`` in lifetimes' environment: the CDNOW sample orders as raw files of the
bring-your-own-data contract, and lifetimes' ``summary_data_from_transaction_data`` of the same orders.
It builds the project on those raw files as a user would (dbt: the models up to ``int_features__purchases``
and their data tests, into ``DIR/cdnow_transactions/warehouse.duckdb``), takes each ERP customer's row of
``int_features__purchases`` through the identity crosswalk, and compares frequency, recency_days and
customer_age_days exactly with lifetimes' frequency, recency and T, and monetary_value_usd with
monetary_value within ``--tolerance`` (1e-9) relative. It exits 1, with counts and examples, when a
customer differs, is missing on either side, or shares its project customer with another CDNOW customer.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from custseg.contract import PROJECT_DIR

COLUMNS = ("frequency", "recency", "T", "monetary_value")
# The project's name of each of lifetimes' columns.
PROJECT_COLUMNS = {"frequency": "frequency", "recency": "recency_days", "T": "customer_age_days",
                   "monetary_value": "monetary_value_usd"}
N_EXAMPLES = 5

PROJECT_SUMMARY_SQL = """
select
    crosswalk.source_record_id as erp_customer_id,
    crosswalk.customer_id,
    count(*) over (partition by crosswalk.customer_id) as erp_customers_of_customer,
    purchases.as_of_date,
    purchases.frequency,
    purchases.recency_days as recency,
    purchases.customer_age_days as "T",
    purchases.monetary_value_usd as monetary_value
from main.int_identity__crosswalk as crosswalk
left join main.int_features__purchases as purchases
    on crosswalk.customer_id = purchases.customer_id
where crosswalk.source_system = 'erp'
"""


def build_project(raw_dir: Path, workdir: Path, dbt: Path | None = None) -> Path:
    """dbt build of int_features__purchases and everything it reads, on ``raw_dir``; the warehouse's path."""
    dbt = dbt or Path(sys.executable).with_name("dbt")
    warehouse = workdir / "warehouse.duckdb"
    # A fresh warehouse: the customer id registry is incremental and would carry customers of an earlier run.
    for stale in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        stale.unlink(missing_ok=True)
    env = {
        **os.environ,
        "SEG_RAW_DIR": str(raw_dir.absolute()),
        "SEG_WAREHOUSE_PATH": str(warehouse.absolute()),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        # CDNOW has no personal data (its customers are numbers): a known key is enough.
        "SEG_PII_HASH_KEY": "custseg-cdnow-reference",
        "DO_NOT_TRACK": "1",
        # CDNOW is a shop's data, not the generated sample: the sample's steward decisions never apply to it.
        "SEG_STEWARD_DECISIONS": "own",
    }
    # Its own target and log folders, so that it can run beside the linters and pytest. Tests of models outside
    # the selection that merely read one of its models are left out (cautious).
    command = [str(dbt), "build", "--select", "+int_features__purchases", "--indirect-selection", "cautious",
               "--exclude-resource-type", "unit_test", "--project-dir", str(PROJECT_DIR),
               "--target-path", str((workdir / "target").absolute()), "--log-path", str((workdir / "logs").absolute())]
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"dbt build on {raw_dir} failed (exit {result.returncode}):\n{result.stdout[-5000:]}")
    return warehouse


def project_summary(warehouse: Path) -> pd.DataFrame:
    """Each ERP customer's buy-till-you-die summary as the project computed it, indexed by ERP customer number."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        summary = con.sql(PROJECT_SUMMARY_SQL).df()
    return summary.set_index("erp_customer_id").sort_index()


def reference_summary(folder: Path) -> pd.DataFrame:
    summary = pd.read_csv(folder / "lifetimes_summary.csv", dtype={"customer_id": str}).set_index("customer_id")
    missing = [c for c in COLUMNS if c not in summary.columns]
    if missing:
        raise ValueError(f"{folder / 'lifetimes_summary.csv'} has no column(s) {missing}: run "
                         "src/custseg/btyd_reference.py again")
    return summary.sort_index()


def show(value: float) -> str:
    """A number as written: whole numbers without a point, others with every digit the double holds."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def compare_summaries(project: pd.DataFrame, reference: pd.DataFrame, tolerance: float = 1e-9) -> tuple[bool, str]:
    """Customer by customer: (no difference, printable report). ``project`` is indexed by the customer number and
    has lifetimes' column names plus ``customer_id`` and ``erp_customers_of_customer``; a customer without a
    purchase has a null ``T``."""
    in_project = project[project["T"].notna()]
    only_reference = reference.index.difference(in_project.index)
    only_project = in_project.index.difference(reference.index)
    merged = project.index[project["erp_customers_of_customer"] > 1]
    both = reference.index.intersection(in_project.index)
    ours = in_project.loc[both, list(COLUMNS)].astype(float)
    theirs = reference.loc[both, list(COLUMNS)].astype(float)

    differs = {}
    for column in ("frequency", "recency", "T"):
        differs[column] = ours[column].to_numpy() != theirs[column].to_numpy()
    scale = np.where(theirs["monetary_value"] == 0, 1.0, theirs["monetary_value"].abs())
    relative = (ours["monetary_value"] - theirs["monetary_value"]).abs().to_numpy() / scale
    differs["monetary_value"] = ~(relative <= tolerance)
    any_difference = np.logical_or.reduce(list(differs.values()))

    lines = [f"{len(reference)} customers in lifetimes' summary, {len(in_project)} with a purchase in the project's "
             f"int_features__purchases; {len(both)} compared, {int(any_difference.sum())} differ"]

    def examples(ids: pd.Index, describe) -> list[str]:
        shown = [f"    {describe(i)}" for i in ids[:N_EXAMPLES]]
        return shown + ([f"    ... and {len(ids) - N_EXAMPLES} more"] if len(ids) > N_EXAMPLES else [])

    def values(i: str) -> str:
        return (f"customer {i}: project " + ", ".join(f"{c} {show(ours.at[i, c])}" for c in COLUMNS)
                + "; lifetimes " + ", ".join(f"{c} {show(theirs.at[i, c])}" for c in COLUMNS))

    for column in COLUMNS:
        rule = "exactly" if column != "monetary_value" else f"within {tolerance:g} relative"
        ids = both[differs[column]]
        lines.append(f"  {column} ({PROJECT_COLUMNS[column]} in the project), equal {rule}: "
                     f"{len(both) - len(ids)} of {len(both)}" + (f"; {len(ids)} differ:" if len(ids) else ""))
        lines += examples(ids, values)
    if len(both):
        lines.append(f"  largest relative difference of monetary value: {np.nanmax(relative):.2e}")
    if len(only_reference):
        lines.append(f"  {len(only_reference)} customers of lifetimes have no purchase in the project:")
        lines += examples(only_reference, lambda i: f"customer {i}: lifetimes "
                          + ", ".join(f"{c} {show(reference.at[i, c])}" for c in COLUMNS)
                          + ("; project: no purchase day" if i in project.index else "; project: no such customer"))
    if len(only_project):
        lines.append(f"  {len(only_project)} customers with a purchase in the project are not in lifetimes' summary:")
        lines += examples(only_project, lambda i: f"customer {i}")
    if len(merged):
        lines.append(f"  {len(merged)} CDNOW customers share a project customer with another one (identity "
                     "resolution merged them):")
        lines += examples(merged, lambda i: f"customer {i} -> {project.at[i, 'customer_id']}")
    ok = not (any_difference.any() or len(only_reference) or len(only_project) or len(merged))
    lines.append(f"OK: every customer's frequency, recency and T equal, monetary value within {tolerance:g}" if ok else
                 "FAILED: the project's buy-till-you-die summary differs from lifetimes' (above)")
    return ok, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, required=True,
                        help="folder written by src/custseg/btyd_reference.py (lifetimes' environment)")
    parser.add_argument("--tolerance", type=float, default=1e-9, help="largest relative difference of monetary value")
    args = parser.parse_args(argv)
    folder = args.reference / "cdnow_transactions"
    if not (folder / "lifetimes_summary.csv").exists():
        print(f"{folder / 'lifetimes_summary.csv'} is missing: run src/custseg/btyd_reference.py --out "
              f"{args.reference} in lifetimes' environment first (make btyd-reference does both)")
        return 2
    info = json.loads((folder / "lifetimes_summary.json").read_text())
    start = time.perf_counter()
    try:
        warehouse = build_project(folder / "raw", folder)
    except RuntimeError as error:
        print(error)
        return 1
    project = project_summary(warehouse)
    seconds = time.perf_counter() - start
    as_of = sorted({str(d.date()) for d in pd.to_datetime(project["as_of_date"].dropna())})
    print(f"CDNOW_sample.txt ({info['orders']} orders), the project's features built from the raw files in "
          f"{seconds:.0f} s, as of {', '.join(as_of) or '?'}; lifetimes {info['lifetimes']}'s "
          f"summary_data_from_transaction_data(freq='D'), observation end {info['observation_period_end']}")
    ok, report = compare_summaries(project, reference_summary(folder), args.tolerance)
    print(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
