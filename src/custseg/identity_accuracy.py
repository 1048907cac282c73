"""How well identity resolution found the real customers: the crosswalk against the generator's truth.

``python -m custseg.identity_accuracy --warehouse W --truth DIR`` (or ``make identity-accuracy``)
prints pairwise precision, recall and F1 (over all pairs of source records that share a customer)
and counts the real customers that were over-merged (fused with another) or under-merged (split
over several customer ids). Only records that reached the crosswalk are scored: rows quarantined in
staging are not customer records.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

CROSSWALK = "main.dim_customer_crosswalk"


def identity_accuracy(warehouse: str | Path, truth_dir: str | Path) -> dict[str, float | int]:
    """Pairwise precision/recall/F1 and over/under-merge counts of the crosswalk in ``warehouse``."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return clustering_accuracy(
            con, f"select customer_id, source_system, source_record_id from {CROSSWALK}", truth_dir
        )


def clustering_accuracy(con: duckdb.DuckDBPyConnection, assignments_sql: str, truth_dir: str | Path) -> dict[str, float | int]:
    """The figures for any assignment of records to customers.

    ``assignments_sql`` selects ``customer_id``, ``source_system`` and ``source_record_id`` (one
    row per record), e.g. the crosswalk or another tool's clusters.
    """
    truth = Path(truth_dir) / "source_records.parquet"
    if not truth.exists():
        raise FileNotFoundError(f"No ground truth at {truth}: pass the --truth folder the generator wrote")
    con.execute(
        f"""
        create or replace temp table scored as
        select assignments.customer_id, truth.entity_id
        from ({assignments_sql}) as assignments
        inner join read_parquet('{truth.as_posix()}') as truth
            on assignments.source_system = truth.source_system
            and assignments.source_record_id = truth.source_record_id
        """
    )
    row = con.execute(
        """
        with
        by_customer as (select customer_id, count(*) as n, count(distinct entity_id) as entities from scored group by 1),
        by_entity as (select entity_id, count(*) as n, count(distinct customer_id) as customers from scored group by 1),
        by_both as (select customer_id, entity_id, count(*) as n from scored group by 1, 2),
        fused as (
            select distinct scored.entity_id
            from scored inner join by_customer using (customer_id)
            where by_customer.entities > 1
        )
        select
            (select count(*) from scored),
            (select count(*) from by_customer),
            (select count(*) from by_entity),
            (select coalesce(sum(n * (n - 1) / 2), 0) from by_customer),
            (select coalesce(sum(n * (n - 1) / 2), 0) from by_entity),
            (select coalesce(sum(n * (n - 1) / 2), 0) from by_both),
            (select count(*) from fused),
            (select count(*) from by_entity where customers > 1)
        """
    ).fetchone()
    records, customers, entities, predicted_pairs, true_pairs, true_positives, over, under = row
    precision = true_positives / predicted_pairs if predicted_pairs else 1.0
    recall = true_positives / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": int(records),
        "customers": int(customers),
        "real_customers": int(entities),
        "predicted_pairs": int(predicted_pairs),
        "true_pairs": int(true_pairs),
        "true_positive_pairs": int(true_positives),
        "precision": round(float(precision), 6),
        "recall": round(float(recall), 6),
        "f1": round(float(f1), 6),
        "over_merged_entities": int(over),
        "under_merged_entities": int(under),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", required=True, help="DuckDB file the project was built into")
    parser.add_argument("--truth", required=True, help="truth folder written by custseg.generate")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = identity_accuracy(args.warehouse, args.truth)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
