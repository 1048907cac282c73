"""History and KPIs over several periods: the sample exported on three successive month-ends, built
in order into one warehouse, as `make periods` does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import Build, run_dbt
from custseg.generate import generate

PERIODS = (dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31))


@pytest.fixture(scope="module")
def periods_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """900 customers as exported on each period end, built period by period into one warehouse, with the
    sample's steward decisions (its KPI targets: the breaches need them).

    The builds leave data tests out (the other build tests run them all); the tests of the history and
    KPI models and of the snapshots run once at the end.
    """
    root = tmp_path_factory.mktemp("periods")
    warehouse, target = root / "warehouse.duckdb", root / "target"
    for period in PERIODS:
        raw = root / period.isoformat() / "raw"
        generate(900, seed=23, out=raw, truth=raw.parent / "truth", export_date=period, progress=False)
        result = run_dbt(
            ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test", "--vars", f"{{features_as_of_date: '{period}'}}"],
            raw, warehouse, target, steward_decisions="sample",
        )
        assert result.returncode == 0, f"{period}:\n{result.stdout[-5000:]}"
    tests = run_dbt(
        ["test", "-s", "path:models/marts/kpis", "path:models/intermediate/kpis", "path:snapshots", "path:seeds/kpis", "kpi_targets", "path:tests/kpis"],
        raw, warehouse, target, steward_decisions="sample",
    )
    assert tests.returncode == 0, tests.stdout[-5000:]
    return Build(raw, warehouse, target, tests, "sample")


def test_every_period_is_in_the_history_with_one_open_version_per_customer(periods_build: Build) -> None:
    as_of_dates = [row[0] for row in periods_build.query("select distinct as_of_date from main.snp_customer_attributes order by 1")]
    assert as_of_dates == list(PERIODS)
    for snapshot in ("snp_customer_segments", "snp_customer_attributes"):
        open_versions, customers = periods_build.query(
            f"select count(*) filter (where dbt_valid_to is null), count(distinct customer_id) filter (where dbt_valid_to is null) from main.{snapshot}"
        )[0]
        assert open_versions == customers > 0, snapshot
    # Every customer of the current assignment mart has exactly its current version open.
    mismatched = periods_build.query(
        """select count(*) from main.dim_customer_segments as current_segments
           left join main.snp_customer_segments as versions
             on current_segments.customer_id = versions.customer_id and versions.dbt_valid_to is null
           where versions.segment_code is distinct from current_segments.segment_code"""
    )[0][0]
    assert mismatched == 0


def test_migration_counts_reconcile_with_snapshot_transitions(periods_build: Build) -> None:
    # From the raw snapshot: versions recorded at each as-of date, against the customer's previous version.
    transitions = dict(
        ((as_of, kind), n)
        for as_of, kind, n in periods_build.query(
            """with versions as (
                   select customer_id, as_of_date, segment_code,
                          lag(segment_code) over (partition by customer_id order by dbt_valid_from) as previous_segment_code
                   from main.snp_customer_segments
               )
               select as_of_date,
                      case when previous_segment_code is null then 'entered' when previous_segment_code != segment_code then 'moved' end,
                      count(*)
               from versions
               where previous_segment_code is null or previous_segment_code != segment_code
               group by all"""
        )
    )
    matrix = dict(
        ((to_date, kind), n)
        for to_date, kind, n in periods_build.query(
            "select to_as_of_date, movement_type, sum(customer_count) from main.fct_segment_migrations group by all"
        )
    )
    for later in PERIODS[1:]:
        assert matrix.get((later, "moved"), 0) == transitions.get((later, "moved"), 0), later
        assert matrix.get((later, "entered"), 0) == transitions.get((later, "entered"), 0), later
        assert transitions.get((later, "entered"), 0) > 0, "customers who arrived between exports enter the history"
    assert sum(n for (_, kind), n in matrix.items() if kind == "moved") > 0, "some customers change segment over three months"
    # Stayed + moved + left from a segment is the whole segment on the earlier date.
    wrong_shares = periods_build.query(
        """select from_as_of_date, from_segment_code, sum(share_of_from_segment)
           from main.fct_segment_migrations where from_segment_code is not null
           group by all having abs(sum(share_of_from_segment) - 1) > 0.001"""
    )
    assert wrong_shares == []


def test_segment_revenue_reconciles_with_the_facts_to_the_cent(periods_build: Build) -> None:
    rows = periods_build.query(
        """with kpis as (
               select period_start_date, sum(revenue_usd) as kpi_revenue from main.fct_segment_kpis group by all
           ),
           facts as (
               select date_trunc('month', invoice_date) as period_start_date, sum(amount_usd) as fact_revenue
               from main.int_customer_facts__invoices
               where is_revenue and invoice_date <= date '2026-10-31'
               group by all
           )
           select coalesce(kpis.period_start_date, facts.period_start_date), kpi_revenue, fact_revenue
           from kpis full outer join facts on kpis.period_start_date = facts.period_start_date"""
    )
    assert len(rows) >= 3
    for period, kpi_revenue, fact_revenue in rows:
        assert kpi_revenue is not None and fact_revenue is not None, period
        assert round(kpi_revenue, 2) == round(fact_revenue, 2), period
    company = periods_build.query("select sum(revenue_usd) from main.fct_company_kpis")[0][0]
    assert round(company, 2) == round(sum(r[2] for r in rows), 2)


def test_customer_flow_churn_and_targets_hold_together(periods_build: Build) -> None:
    broken_flow = periods_build.query(
        """select fiscal_period, segment_code from main.fct_segment_kpis
           where closing_customers != opening_customers + new_customers + reactivated_customers - lost_customers
              or churned_customers < lost_customers
              or (churn_definition = 'no_purchase' and churned_customers != lost_customers)"""
    )
    assert broken_flow == []
    # The last period is reported as assigned; periods before the first snapshot say they are back-filled.
    bases = dict(periods_build.query(
        """select fiscal_period, max(segment_basis) from main.fct_segment_kpis
           where fiscal_period in ('FY2026-P10', 'FY2025-P06') group by all"""
    ))
    assert bases == {"FY2026-P10": "as_assigned", "FY2025-P06": "earliest_assignment"}
    # Customers who moved between period ends are counted out of one segment and into another.
    moved_in, moved_out = periods_build.query(
        "select sum(migrated_in_customers), sum(migrated_out_customers) from main.fct_segment_kpis where fiscal_period in ('FY2026-P09', 'FY2026-P10')"
    )[0]
    assert moved_in == moved_out > 0
    breaches = periods_build.query(
        "select severity, count(*) from main.fct_kpi_breaches where is_breach group by all"
    )
    assert breaches and {severity for severity, _ in breaches} <= {"warning", "critical"}
    judged_small_samples = periods_build.query(
        "select count(*) from main.fct_kpi_breaches where response_count < 10 and evaluation_status = 'judged'"
    )[0][0]
    assert judged_small_samples == 0


def test_drift_is_measured_between_consecutive_dates(periods_build: Build) -> None:
    pairs = periods_build.query(
        """select from_as_of_date, to_as_of_date, count(*), min(population_stability_index), bool_or(is_retrain_recommended)
           from main.fct_segment_feature_drift group by all order by 1"""
    )
    assert [(a, b) for a, b, *_ in pairs] == [(PERIODS[0], PERIODS[1]), (PERIODS[1], PERIODS[2])]
    for _, _, rows, lowest, _ in pairs:
        assert rows >= 5 and lowest >= 0


def test_snapshotting_the_last_period_again_adds_no_rows(periods_build: Build, tmp_path: Path) -> None:
    before = periods_build.query("select (select count(*) from main.snp_customer_segments), (select count(*) from main.snp_customer_attributes)")
    again = run_dbt(["snapshot"], periods_build.raw_dir, periods_build.warehouse, periods_build.target, steward_decisions="sample")
    assert again.returncode == 0, again.stdout[-3000:]
    assert periods_build.query("select (select count(*) from main.snp_customer_segments), (select count(*) from main.snp_customer_attributes)") == before
