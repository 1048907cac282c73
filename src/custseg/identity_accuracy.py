"""How well identity resolution found the real customers: the crosswalk against the generator's truth.

``python -m custseg.identity_accuracy --warehouse W --truth DIR`` (or ``make identity-accuracy``)
prints pairwise precision, recall and F1 (over all pairs of source records that share a customer)
and counts the real customers that were over-merged (fused with another) or under-merged (split
over several customer ids). Only records that reached the crosswalk are scored: rows quarantined in
staging are not customer records.

``--by-pair-type`` adds the same figures per kind of pair: the two records' source systems
(``crm-erp``, ``erp-erp``...) and their true party type (``person``, ``organization``, ``mixed`` for a
person paired with an organization, from the truth's ``entities.parquet``). ``--blocking`` adds the
blocking recall: the share of true pairs that identity resolution compared at all (that some
blocking rule or shared identifier put in ``int_identity__candidate_pairs``), overall, per blocking
rule, per identifier type and per kind of pair, with the number of candidate pairs per record. A
true pair that was never compared can never be linked, whatever the scoring model does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

CROSSWALK = "main.dim_customer_crosswalk"
CANDIDATE_PAIRS = "main.int_identity__candidate_pairs"
COMPARABLE_RECORDS = "main.int_identity__comparable_records"


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


def _truth_files(truth_dir: str | Path) -> tuple[str, str | None]:
    truth = Path(truth_dir) / "source_records.parquet"
    if not truth.exists():
        raise FileNotFoundError(f"No ground truth at {truth}: pass the --truth folder the generator wrote")
    entities = Path(truth_dir) / "entities.parquet"
    return truth.as_posix(), entities.as_posix() if entities.exists() else None


def _labelled_sql(records_sql: str, truth_dir: str | Path) -> str:
    """``records_sql`` (with ``source_system`` and ``source_record_id``) joined to its true entity and party type."""
    truth, entities = _truth_files(truth_dir)
    party = (
        "case entities.is_organization when true then 'organization' when false then 'person' else 'unknown' end"
        if entities else "'unknown'"
    )
    entities_join = f"left join read_parquet('{entities}') as entities on truth.entity_id = entities.entity_id" if entities else ""
    return f"""
        select records.*, truth.entity_id, {party} as party_type
        from ({records_sql}) as records
        inner join read_parquet('{truth}') as truth
            on records.source_system = truth.source_system
            and records.source_record_id = truth.source_record_id
        {entities_join}
    """


# The kind of a pair of records: their source systems in order and their parties' common type.
_PAIR_KIND = """
    least(left_group.source_system, right_group.source_system) || '-'
        || greatest(left_group.source_system, right_group.source_system) as source_systems,
    case when left_group.party_type = right_group.party_type then left_group.party_type else 'mixed' end as party_type
"""


def _pairs_by_kind_sql(table: str, key: str) -> str:
    """Pairs of records sharing ``key`` in ``table``, counted by kind of pair, without listing the pairs."""
    return f"""
        with groups as (
            select {key} as group_key, source_system, party_type, count(*) as n
            from {table}
            group by all
        )
        select
            {_PAIR_KIND},
            sum(
                case
                    when left_group.source_system = right_group.source_system
                        and left_group.party_type = right_group.party_type
                        then left_group.n * (left_group.n - 1) / 2
                    else left_group.n * right_group.n
                end
            ) as pairs
        from groups as left_group
        inner join groups as right_group
            on left_group.group_key = right_group.group_key
            and left_group.source_system || '|' || left_group.party_type
                <= right_group.source_system || '|' || right_group.party_type
        group by all
    """


def accuracy_by_pair_kind(con: duckdb.DuckDBPyConnection, assignments_sql: str,
                          truth_dir: str | Path) -> list[dict[str, float | int | str]]:
    """Pairwise precision/recall/F1 per kind of pair (source systems and true party type).

    ``assignments_sql`` is as for ``clustering_accuracy``. A predicted pair's kind comes from the
    true entities of its two records, so a person fused with an organization counts under
    ``mixed``, and each kind's precision says how many of the links made between such records
    are right.
    """
    con.execute(
        f"create or replace temp table scored_by_kind as {_labelled_sql(assignments_sql, truth_dir)}"
    )
    rows = con.execute(
        f"""
        with
        predicted as ({_pairs_by_kind_sql('scored_by_kind', 'customer_id')}),
        actual as ({_pairs_by_kind_sql('scored_by_kind', 'entity_id')}),
        correct as ({_pairs_by_kind_sql('scored_by_kind', "customer_id || '/' || entity_id")})
        select
            source_systems,
            party_type,
            coalesce(predicted.pairs, 0),
            coalesce(actual.pairs, 0),
            coalesce(correct.pairs, 0)
        from predicted
        full join actual using (source_systems, party_type)
        full join correct using (source_systems, party_type)
        order by source_systems, party_type
        """
    ).fetchall()
    result = []
    for source_systems, party_type, predicted_pairs, true_pairs, true_positives in rows:
        if not predicted_pairs and not true_pairs:
            continue
        precision = true_positives / predicted_pairs if predicted_pairs else 1.0
        recall = true_positives / true_pairs if true_pairs else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.append({
            "source_systems": source_systems,
            "party_type": party_type,
            "predicted_pairs": int(predicted_pairs),
            "true_pairs": int(true_pairs),
            "true_positive_pairs": int(true_positives),
            "precision": round(float(precision), 6),
            "recall": round(float(recall), 6),
            "f1": round(float(f1), 6),
        })
    return result


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    schema, name = table.split(".")
    return {row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?", [schema, name]
    ).fetchall()}


def blocking_recall(con: duckdb.DuckDBPyConnection, truth_dir: str | Path) -> dict:
    """Which true pairs identity resolution compared: the candidate pairs against the truth.

    Needs ``int_identity__comparable_records`` (record numbers and keys) and
    ``int_identity__candidate_pairs`` in ``con``. Only records that reached identity resolution
    count. Returns the counts of records and candidate pairs, candidate pairs per record, the true
    pairs, the share compared (``recall``), and the share each blocking rule (``by_rule``) and
    each shared identifier type (``by_identifier``) compared, and the recall per kind of pair
    (``by_pair_kind``). A pair can be compared by several rules, so the per-rule shares add up to
    more than the total.
    """
    for table in (COMPARABLE_RECORDS, CANDIDATE_PAIRS):
        if not _columns(con, table):
            raise LookupError(f"No {table} in the warehouse: build the identity models first (dbt build)")
    candidate_columns = _columns(con, CANDIDATE_PAIRS)
    lists = [column for column in ("blocking_rules", "shared_identifiers") if column in candidate_columns]
    records_sql = (
        f"select record_number, source_system, substr(source_record_key, length(source_system) + 2) as source_record_id "
        f"from {COMPARABLE_RECORDS}"
    )
    con.execute(f"create or replace temp table labelled_records as {_labelled_sql(records_sql, truth_dir)}")
    con.execute(
        f"""
        create or replace temp table true_pairs_compared as
        select
            {_PAIR_KIND},
            candidates.left_record_number is not null as is_compared
            {''.join(f', candidates.{column}' for column in lists)}
        from labelled_records as left_group
        inner join labelled_records as right_group
            on left_group.entity_id = right_group.entity_id
            and left_group.record_number < right_group.record_number
        left join {CANDIDATE_PAIRS} as candidates
            on candidates.left_record_number = left_group.record_number
            and candidates.right_record_number = right_group.record_number
        """
    )
    records, candidate_pairs = con.execute(
        f"select (select count(*) from {COMPARABLE_RECORDS}), (select count(*) from {CANDIDATE_PAIRS})"
    ).fetchone()
    true_pairs, compared = con.execute("select count(*), count_if(is_compared) from true_pairs_compared").fetchone()

    def share(count: int, total: int) -> float:
        return round(count / total, 6) if total else 1.0

    def shares_of(column: str) -> dict[str, float]:
        if column not in lists:
            return {}
        rows = con.execute(
            f"select name, count(*) from (select unnest({column}) as name from true_pairs_compared) group by 1 order by 1"
        ).fetchall()
        shares = {name: share(count, true_pairs) for name, count in rows if name is not None}
        (any_count,) = con.execute(f"select count_if(len({column}) > 0) from true_pairs_compared").fetchone()
        return {"(any)": share(any_count, true_pairs), **shares}

    by_kind = [
        {"source_systems": systems, "party_type": party, "true_pairs": int(total), "compared": int(done),
         "recall": share(done, total)}
        for systems, party, total, done in con.execute(
            "select source_systems, party_type, count(*), count_if(is_compared) from true_pairs_compared "
            "group by all order by 1, 2"
        ).fetchall()
    ]
    return {
        "records": int(records),
        "candidate_pairs": int(candidate_pairs),
        "candidate_pairs_per_record": round(candidate_pairs / records, 3) if records else 0.0,
        "true_pairs": int(true_pairs),
        "true_pairs_compared": int(compared),
        "recall": share(compared, true_pairs),
        "by_rule": shares_of("blocking_rules"),
        "by_identifier": shares_of("shared_identifiers"),
        "by_pair_kind": by_kind,
    }


def format_pair_kinds(rows: list[dict]) -> str:
    """The per-kind figures as an aligned table."""
    lines = [f"{'source systems':>16} {'party type':>13} {'predicted':>10} {'true':>10} {'correct':>10} "
             f"{'precision':>10} {'recall':>8} {'f1':>8}"]
    for row in rows:
        lines.append(
            f"{row['source_systems']:>16} {row['party_type']:>13} {row['predicted_pairs']:>10,} {row['true_pairs']:>10,} "
            f"{row['true_positive_pairs']:>10,} {row['precision']:>10.4f} {row['recall']:>8.4f} {row['f1']:>8.4f}"
        )
    return "\n".join(lines)


def format_blocking_recall(result: dict) -> str:
    """The blocking recall as text: totals, then per rule, per identifier and per kind of pair."""
    lines = [
        f"blocking recall {result['recall']:.4f}: {result['true_pairs_compared']:,} of {result['true_pairs']:,} true pairs "
        f"compared; {result['candidate_pairs']:,} candidate pairs for {result['records']:,} records "
        f"({result['candidate_pairs_per_record']:.2f} per record)"
    ]
    for title, key in (("blocking rule", "by_rule"), ("shared identifier", "by_identifier")):
        for name, value in result[key].items():
            lines.append(f"  {title} {name}: {value:.4f} of true pairs")
    for row in result["by_pair_kind"]:
        lines.append(f"  {row['source_systems']} {row['party_type']} pairs: {row['recall']:.4f} "
                     f"({row['compared']:,} of {row['true_pairs']:,})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", required=True, help="DuckDB file the project was built into")
    parser.add_argument("--truth", required=True, help="truth folder written by custseg.generate")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--by-pair-type", action="store_true",
                        help="also the figures per pair of source systems and true party type")
    parser.add_argument("--blocking", action="store_true",
                        help="also the blocking recall: the share of true pairs the candidate pairs hold")
    args = parser.parse_args(argv)
    result: dict = identity_accuracy(args.warehouse, args.truth)
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        if args.by_pair_type:
            result["by_pair_type"] = accuracy_by_pair_kind(
                con, f"select customer_id, source_system, source_record_id from {CROSSWALK}", args.truth
            )
        if args.blocking:
            result["blocking"] = blocking_recall(con, args.truth)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for key, value in result.items():
        if key not in ("by_pair_type", "blocking"):
            print(f"{key:>24}: {value}")
    if "by_pair_type" in result:
        print()
        print(format_pair_kinds(result["by_pair_type"]))
    if "blocking" in result:
        print()
        print(format_blocking_recall(result["blocking"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
