"""How well segmentation recovers the generator's planted segments.

``python -m custseg.segmentation_accuracy --warehouse W --truth DIR`` (or ``make segmentation-accuracy``)
prints the adjusted Rand index between the cluster segments of dim_customer_segments and the segments
the generator planted, over the customers clustering placed (overrides, rules and the fallback aside).
Each customer takes the planted segment most of its source records belong to.

``--write-reference-labels PATH`` writes the planted segment of every source record as a file that
var segmentation_reference_labels can name, so that the model run table reports the same figure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
from sklearn.metrics import adjusted_rand_score


def planted_labels(truth_dir: str | Path) -> pd.DataFrame:
    """source_system, source_record_id, reference_label (the planted segment of the record's entity)."""
    truth = Path(truth_dir)
    for name in ("source_records.parquet", "entities.parquet"):
        if not (truth / name).exists():
            raise FileNotFoundError(f"No ground truth at {truth / name}: pass the --truth folder the generator wrote")
    with duckdb.connect() as con:
        return con.sql(
            f"""
            select records.source_system, records.source_record_id, entities.planted_segment as reference_label
            from read_parquet('{truth / "source_records.parquet"}') as records
            inner join read_parquet('{truth / "entities.parquet"}') as entities using (entity_id)
            order by 1, 2
            """
        ).df()


def segmentation_accuracy(warehouse: str | Path, truth_dir: str | Path) -> dict[str, float | int]:
    """Adjusted Rand index of the cluster segments against the planted segments, with the counts."""
    labels = planted_labels(truth_dir)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frame = con.sql(
            """
            with votes as (
                select crosswalk.customer_id, labels.reference_label, count(*) as records
                from main.dim_customer_crosswalk as crosswalk
                inner join labels using (source_system, source_record_id)
                group by all
            ),
            planted as (
                select customer_id, arg_max(reference_label, (records, reference_label)) as planted_segment
                from votes group by customer_id
            )
            select segments.customer_id, segments.segment_code, planted.planted_segment
            from main.dim_customer_segments as segments
            inner join planted using (customer_id)
            where segments.assignment_source = 'cluster'
            """
        ).df()
    crosstab = pd.crosstab(frame["planted_segment"], frame["segment_code"])
    return {
        "customers_compared": len(frame),
        "adjusted_rand_index": round(float(adjusted_rand_score(frame["planted_segment"], frame["segment_code"])), 4),
        "segments_found": int(frame["segment_code"].nunique()),
        "segments_planted": int(frame["planted_segment"].nunique()),
        "crosstab": crosstab.to_dict(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--write-reference-labels", type=Path, default=None, help="write the planted labels here and stop")
    args = parser.parse_args(argv)
    if args.write_reference_labels:
        args.write_reference_labels.parent.mkdir(parents=True, exist_ok=True)
        planted_labels(args.truth).to_parquet(args.write_reference_labels, index=False)
        print(f"planted segments of every source record written to {args.write_reference_labels}")
        return 0
    result = segmentation_accuracy(args.warehouse, args.truth)
    crosstab = pd.DataFrame(result.pop("crosstab")).fillna(0).astype(int)
    print(json.dumps(result, indent=2))
    print(crosstab.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
