"""Segmentation built by dbt on the small generated sample: planted segments, priority, audit, stability."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import Build, copy_project, run_dbt
from custseg.segmentation_accuracy import segmentation_accuracy

SEGMENTS = "main.dim_customer_segments"


def test_clusters_recover_the_planted_segments(built_sample: Build, small_sample) -> None:
    _, truth_dir, _ = small_sample
    result = segmentation_accuracy(built_sample.warehouse, truth_dir)
    print(result)
    assert result["adjusted_rand_index"] >= 0.8
    assert result["customers_compared"] > 500
    # The model run table reports the same agreement, measured when the run was made.
    (k, ari, criteria), = built_sample.query(
        "select k, adjusted_rand_index_vs_reference, criterion_by_k from main.int_segmentation__runs where is_current"
    )
    assert 2 <= k <= 6 and ari >= 0.8
    assert set(__import__("json").loads(criteria)) == {"2", "3", "4", "5", "6"}


def test_the_run_records_its_features_and_names_what_it_found(built_sample: Build) -> None:
    features = dict(built_sample.query("select feature_name, is_used from main.int_segmentation__run_features where is_current"))
    assert features == dict.fromkeys(
        ["average_order_value_usd", "feature_adoption_rate", "gross_margin_rate", "orders_per_month_365d", "tickets_per_month_365d"], True
    )
    # Fallback for a missing feature names it; every segment a customer holds is listed with a name.
    assert built_sample.query(
        f"""select count(*) from {SEGMENTS}_v2
        where (fallback_reason = 'missing_clustering_feature') != (fallback_feature is not null)"""
    )[0][0] == 0
    assert built_sample.query(
        f"""select count(*) from {SEGMENTS} left join main.dim_segments using (segment_code)
        where dim_segments.segment_name is null"""
    )[0][0] == 0
    # Each cluster of the current run carries the name the data would give it beside its own.
    unnamed = built_sample.query(
        "select segment_code from main.dim_segments where clustered_customer_count > 0 and generated_name is null"
    )
    assert not unnamed


def test_every_customer_gets_one_segment_decided_in_priority_order(built_sample: Build) -> None:
    customers, assigned, distinct = built_sample.query(
        f"select (select count(*) from main.int_features__customer_features), count(*), count(distinct customer_id) from {SEGMENTS}"
    )[0]
    assert customers == assigned == distinct
    by_source = dict(built_sample.query(f"select assignment_source, count(*) from {SEGMENTS} group by all"))
    assert by_source["cluster"] > 0.5 * assigned and by_source["fallback"] > 0
    # Overrides win over everything; approved ones apply, the others do not.
    applied = built_sample.query(
        f"""select audit.override_id, audit.segment_code, segments.segment_code, segments.assignment_source, segments.decided_by
        from main.int_segmentation__override_audit as audit inner join {SEGMENTS} as segments using (customer_id)
        where audit.is_applied"""
    )
    assert applied and all(o == s and src == "override" and by == oid for oid, o, s, src, by in applied)
    # Fallback customers carry their reason; clustered customers carry the model version.
    assert built_sample.query(
        f"""select count(*) from {SEGMENTS}
        where (assignment_source = 'fallback') != (fallback_reason is not null)
           or (assignment_source = 'fallback' and segment_code != 'SEG-START')
           or (assignment_source = 'cluster' and decided_by != model_version)"""
    )[0][0] == 0
    # A customer without purchases is never clustered.
    assert built_sample.query(
        f"""select count(*) from {SEGMENTS} inner join main.int_features__customer_features using (customer_id)
        where not has_purchase_history and assignment_source = 'cluster'"""
    )[0][0] == 0


def test_overrides_that_may_not_apply_are_audited_and_warned(built_sample: Build) -> None:
    reasons = dict(built_sample.query("select override_id, rejection_reason from main.int_segmentation__override_audit"))
    assert reasons["OVR-0003"] == "not_approved"
    assert reasons["OVR-0004"] == "expired"
    assert reasons["OVR-0005"] == "approver_may_not_approve"
    warned = [line for line in built_sample.result.stdout.splitlines() if "WARN" in line and "segment_overrides_not_applied" in line]
    assert warned, built_sample.result.stdout[-3000:]


def _copy_build(built_sample: Build, workdir: Path) -> Build:
    workdir.mkdir(parents=True, exist_ok=True)
    warehouse = workdir / "warehouse.duckdb"
    shutil.copy(built_sample.warehouse, warehouse)
    return Build(built_sample.raw_dir, warehouse, workdir / "target", built_sample.result, built_sample.steward_decisions)


def _segments(build: Build) -> dict[str, str]:
    return dict(build.query(f"select customer_id, segment_code from {SEGMENTS}"))


def test_rebuilding_changes_nobody_and_small_perturbations_move_few(built_sample: Build, tmp_path: Path) -> None:
    copy = _copy_build(built_sample, tmp_path)
    before = _segments(copy)
    rebuilt = run_dbt(["run", "-s", "int_features__purchases+"], copy.raw_dir, copy.warehouse, copy.target, steward_decisions=copy.steward_decisions)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
    assert _segments(copy) == before
    runs = copy.query("select count(*), count_if(is_current) from main.int_segmentation__runs")[0]
    assert runs == (1, 1)  # the same data reuses the same run
    versions = copy.query("select count(*) from main.snp_customer_segments")[0][0]
    snapshot = run_dbt(["snapshot"], copy.raw_dir, copy.warehouse, copy.target, steward_decisions=copy.steward_decisions)
    assert snapshot.returncode == 0, snapshot.stdout[-3000:]
    assert copy.query("select count(*) from main.snp_customer_segments")[0][0] == versions == len(before)

    # Perturb the invoices of 5% of customers by up to 5%, then rebuild the features and segments.
    with duckdb.connect(str(copy.warehouse)) as con:
        con.execute(
            """
            update main.int_customer_facts__invoices
            set amount_usd = round(amount_usd * (0.95 + 0.1 * (hash(invoice_id) % 1000) / 1000.0), 2),
                cost_usd = round(cost_usd * (0.95 + 0.1 * (hash(invoice_id || 'c') % 1000) / 1000.0), 2)
            where hash(customer_id) % 20 = 0
            """
        )
        touched = con.execute(
            "select count(distinct customer_id) from main.int_customer_facts__invoices where hash(customer_id) % 20 = 0"
        ).fetchone()[0]
    assert touched > 0.03 * len(before)
    perturbed = run_dbt(["run", "-s", "int_features__purchases+"], copy.raw_dir, copy.warehouse, copy.target, steward_decisions=copy.steward_decisions)
    assert perturbed.returncode == 0, perturbed.stdout[-3000:]
    after = _segments(copy)
    moved = sum(before[c] != after[c] for c in before)
    print(f"{moved} of {len(before)} customers changed segment")
    assert moved <= 0.02 * len(before)
    current, previous, ari = copy.query(
        "select run_id, previous_run_id, adjusted_rand_index_vs_previous from main.int_segmentation__runs where is_current"
    )[0]
    assert previous is not None and current != previous and ari > 0.9
    # The history gains a version only for customers whose assignment changed; one open version each.
    snapshot = run_dbt(["snapshot"], copy.raw_dir, copy.warehouse, copy.target, steward_decisions=copy.steward_decisions)
    assert snapshot.returncode == 0, snapshot.stdout[-3000:]
    total, open_versions = copy.query("select count(*), count_if(dbt_valid_to is null) from main.snp_customer_segments")[0]
    assert open_versions == len(before) and total - len(before) <= moved + 0.05 * len(before)


def test_a_sensitive_attribute_in_the_policy_stops_the_build(built_sample: Build, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    policy = project / "seeds" / "segmentation" / "segmentation_feature_policy.csv"
    with policy.open() as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["feature_name"] == "birth_date":
            row["is_allowed"], row["use_for_clustering"] = "true", "true"
    with policy.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    copy = _copy_build(built_sample, tmp_path / "build")
    result = run_dbt(
        ["build", "-s", "segmentation_feature_policy", "int_segmentation__feature_policy", "int_segmentation__runs"],
        copy.raw_dir, copy.warehouse, copy.target, project, copy.steward_decisions,
    )
    assert result.returncode != 0
    assert "birth_date is a sensitive attribute and may not be used for segmentation" in result.stdout
