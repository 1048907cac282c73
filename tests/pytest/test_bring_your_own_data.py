"""A user with only a customer file and an order file gets a green build; a broken file fails clearly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from conftest import build

CUSTOMERS = """erp_customer_id,customer_name,email
1001,Acme Tools Ltd, Orders@AcmeTools.example
1002,"SMITH, Jane",jane.smith@mail.example
1003,Northwind BV,not-an-email
1003,Northwind BV,not-an-email
,Nameless Customer,
"""

# Orders of the late 1990s, as in a public order history: the fiscal calendar is generated for their years.
ORDERS = """invoice_id,erp_customer_id,invoice_date,amount
A-1,1001,1997-01-15,120.50
A-2,1001,1997-02-03,80
A-3,1002,1997-03-10,15.99
A-4,1003,2099-01-01,10
A-5,1002,yesterday,12
A-6,1002,1997-03-11,-5
A-6,1002,1997-03-11,-5
"""


def test_two_files_give_a_green_build(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "erp_customers.csv").write_text(CUSTOMERS)
    (raw / "erp_invoices.csv").write_text(ORDERS)
    result = build(raw, tmp_path)
    assert result.result.returncode == 0, result.result.stdout[-5000:]
    assert "Raw files absent, treated as empty" in result.result.stdout

    assert result.query("select erp_customer_id, email, is_email_malformed from main.stg_erp__customers order by 1") == [
        ("1001", "orders@acmetools.example", False),
        ("1002", "jane.smith@mail.example", False),
        ("1003", None, True),
    ]
    assert result.query("select invoice_id, cast(amount as double), currency_code from main.stg_erp__invoices order by 1") == [
        ("A-1", 120.5, "USD"),
        ("A-2", 80.0, "USD"),
        ("A-3", 15.99, "USD"),
    ]
    assert sorted(result.query("select source_record_key, rejection_reason from main.stg_erp__quarantine where source_table = 'invoices'")) == [
        ("A-4", "future_date"),
        ("A-5", "unparseable_value"),
        ("A-6", "exact_duplicate"),
        ("A-6", "negative_amount"),
    ]
    reconciliation = dict(
        (name, (rows_in, staged, quarantined))
        for name, rows_in, staged, quarantined in result.query(
            "select raw_table_id, rows_in, rows_staged, rows_quarantined from main.int_raw_row_reconciliation"
        )
    )
    assert reconciliation["erp__customers"] == (5, 3, 2)
    assert reconciliation["erp__invoices"] == (7, 3, 4)
    assert reconciliation["crm__customers"] == (0, 0, 0)
    assert result.query("select count(*) from main.stg_support__tickets")[0][0] == 0

    # The KPIs cover 1997: its twelve fiscal periods (calendar months by default), reported up to the as-of
    # date (the last order), each period's revenue that of its orders.
    assert result.query(
        "select min(period_start_date), max(period_end_date), count(*), min(calendar_source) from main.int_kpis__fiscal_calendar"
    ) == [(dt.date(1997, 1, 1), dt.date(1997, 12, 31), 12, "generated: monthly, fiscal year starting in month 1")]
    assert result.query("select as_of_date from main.int_features__as_of_date") == [(dt.date(1997, 3, 10),)]
    assert result.query("select fiscal_period, round(revenue_usd, 2) from main.fct_company_kpis order by 1") == [
        ("FY1997-P01", 120.5), ("FY1997-P02", 80.0), ("FY1997-P03", 15.99),
    ]
    assert result.query("select count(*) from main.dim_dates where fiscal_year = 1997") == [(365,)]


def test_missing_required_column_stops_with_a_message(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "erp_invoices.csv").write_text("invoice_id,customer,invoice_date,amount\nA-1,1001,2026-01-15,1\n")
    result = build(raw, tmp_path)
    assert result.result.returncode != 0
    assert "has no column erp_customer_id, which the raw contract requires" in result.result.stdout


def test_a_header_that_is_not_utf8_stops_with_a_message(tmp_path: Path) -> None:
    """Its column names cannot be read, so the file cannot be mapped onto the contract: the run stops and
    says so, rather than reading the first record as the header and reporting a missing column."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "crm_customers.csv").write_bytes(b"crm_customer_id,last_n\xe4me\r\nC1,Lovelace\nC2,Turing\r\n")
    result = build(raw, tmp_path)
    assert result.result.returncode != 0
    assert "The header (first line) of raw file" in result.result.stdout
    assert "crm_customers.csv is not UTF-8" in result.result.stdout
    assert "has no column" not in result.result.stdout


BIRTH_DATES = """crm_customer_id,last_name,birth_date
C1,Eight Digits,19560409
C2,Slashes,09/04/1956
C3,Dots,09.04.1956
C4,Iso,1956-04-09
C5,Words,not a date
"""

DATED_ORDERS = """invoice_id,erp_customer_id,invoice_date,amount,cost_amount
A-1,1001,09/04/2026,10,4
A-2,1001,yesterday,12,5
A-3,1001,2026-04-10,15,n/a
"""


def test_dates_in_common_forms_are_read_and_a_bad_optional_value_keeps_its_row(tmp_path: Path) -> None:
    """A birth date in any common written form is read (day first by default); one that is no date is set to
    null and listed with its raw value, and the customer is staged. A bad value in a required column (the
    invoice date) still quarantines its row; a bad optional cost is listed and its invoice staged."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "crm_customers.csv").write_text(BIRTH_DATES)
    (raw / "erp_invoices.csv").write_text(DATED_ORDERS)
    result = build(raw, tmp_path, "--select", "+int_raw_row_reconciliation")
    assert result.result.returncode == 0, result.result.stdout[-5000:]

    april_9 = dt.date(1956, 4, 9)
    assert result.query("select crm_customer_id, birth_date from main.stg_crm__customers order by 1") == [
        ("C1", april_9), ("C2", april_9), ("C3", april_9), ("C4", april_9), ("C5", None),
    ]
    assert result.query(
        "select source_name, source_table, source_record_key, column_name, raw_value, issue_reason"
        " from main.int_raw_field_issues order by all"
    ) == [
        ("crm", "customers", "C5", "birth_date", "not a date", "unparseable_value"),
        ("erp", "invoices", "A-3", "cost_amount", "n/a", "unparseable_value"),
    ]
    assert result.query("select invoice_id, invoice_date, cost_amount from main.stg_erp__invoices order by 1") == [
        ("A-1", dt.date(2026, 4, 9), Decimal("4.00")), ("A-3", dt.date(2026, 4, 10), None),
    ]
    assert result.query("select source_record_key, rejection_reason from main.stg_erp__quarantine") == [("A-2", "unparseable_value")]
    assert result.query(
        "select raw_table_id, rows_in, rows_staged, rows_quarantined, field_issues, rows_staged_with_field_issues"
        " from main.int_raw_row_reconciliation where rows_in > 0 order by 1"
    ) == [("crm__customers", 5, 5, 0, 1, 1), ("erp__invoices", 3, 2, 1, 1, 1)]

    # Month first when told: 09/04/1956 is 4 September; the other forms do not depend on the var.
    month_first = build(raw, tmp_path, "--select", "base_crm__customers", "stg_crm__customers", "--vars", "{date_day_order: MDY}")
    assert month_first.result.returncode == 0, month_first.result.stdout[-5000:]
    assert month_first.query("select crm_customer_id, birth_date from main.stg_crm__customers order by 1") == [
        ("C1", april_9), ("C2", dt.date(1956, 9, 4)), ("C3", april_9), ("C4", april_9), ("C5", None),
    ]


def test_an_unknown_date_day_order_stops_with_a_message(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "crm_customers.csv").write_text(BIRTH_DATES)
    result = build(raw, tmp_path, "--select", "stg_crm__customers", "--vars", "{date_day_order: YMD}")
    assert result.result.returncode != 0
    assert "var date_day_order must be DMY" in result.result.stdout
    assert "got: YMD" in result.result.stdout
