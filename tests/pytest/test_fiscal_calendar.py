"""The fiscal calendar: generated for the years of the facts, replaced by seed fiscal_calendar when it has rows,
and a calendar that misses facts fails with a message that says what is missing. (The generated periods
themselves are dbt unit tests of int_kpis__fiscal_calendar; a build of 1997 orders is in
test_bring_your_own_data.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from conftest import Build, copy_warehouse, run_dbt


def test_a_calendar_seed_that_misses_facts_fails_with_a_message(built_sample: Build, tmp_path: Path) -> None:
    """A seed calendar of 2026 alone, on facts that start earlier: the seed is the calendar, and the coverage
    and reconciliation tests fail with stored rows that say how many facts no period holds."""
    warehouse = copy_warehouse(built_sample, tmp_path)
    months = [(dt.date(2026, m, 1), dt.date(2026 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)) for m in range(1, 13)]
    with duckdb.connect(str(warehouse)) as con:
        # As `dbt seed` would load a user's rows into the shipped, header-only seed.
        con.executemany(
            "insert into main.fiscal_calendar values (?, 2026, ?, ?, ?, ?)",
            [(f"FY2026-P{m:02d}", (m - 1) // 3 + 1, m, start, end) for m, (start, end) in enumerate(months, 1)],
        )
        early_invoices, first_invoice = con.execute(
            """select count(*), min(invoice_date) from main.int_customer_facts__invoices
               where invoice_date < date '2026-01-01'"""
        ).fetchone()
    assert early_invoices > 0
    # In a build the failing coverage test stops the KPI marts; run here, the reconciliation test shows its message too.
    models = run_dbt(["run", "--select", "int_kpis__fiscal_calendar", "int_kpis__fiscal_periods"], built_sample.raw_dir, warehouse, tmp_path / "target")
    assert models.returncode == 0, models.stdout[-5000:]
    tests = ["assert_fiscal_calendar_covers_the_facts", "assert_segment_revenue_reconciles_with_invoices"]
    result = run_dbt(["test", "--select", *tests], built_sample.raw_dir, warehouse, tmp_path / "target")
    assert result.returncode != 0
    assert result.stdout.count("See test failures") == 2
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select distinct calendar_source from main.int_kpis__fiscal_calendar").fetchall() == [("seed fiscal_calendar",)]
        uncovered = dict(con.execute("select fact_kind, message from main_dbt_test__audit.assert_fiscal_calendar_covers_the_facts").fetchall())
        unreconciled = [row[0] for row in con.execute(
            "select message from main_dbt_test__audit.assert_segment_revenue_reconciles_with_invoices where is_outside_calendar"
        ).fetchall()]
    assert uncovered["invoices"] == (
        f"{early_invoices} invoices dated outside the fiscal calendar ({first_invoice} to 2025-12-31): the calendar"
        " (seed fiscal_calendar) runs from 2026-01-01 to 2026-12-31. Add the missing periods to seed fiscal_calendar,"
        " or empty it (keep its header) to generate the calendar for the years of the data."
    )
    assert {"subscription events", "tickets", "days of product use", "survey answers"} <= set(uncovered)
    assert len(unreconciled) == 1 and "are dated outside the fiscal calendar, so no period counts them" in unreconciled[0]


def test_a_fiscal_year_start_month_out_of_range_stops_with_a_message(built_sample: Build, tmp_path: Path) -> None:
    result = run_dbt(
        ["compile", "--select", "int_kpis__fiscal_calendar", "--vars", "{fiscal_year_start_month: 13}"],
        built_sample.raw_dir, tmp_path / "warehouse.duckdb", tmp_path / "target",
    )
    assert result.returncode != 0
    assert "var fiscal_year_start_month must be the month the fiscal year starts in, a number from 1 (January) to 12" in result.stdout
    assert "got: 13" in result.stdout
