"""A user with only a customer file and an order file gets a green build; a broken file fails clearly; none of
the generated sample's steward decisions applies to the user's data."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR, Build, build

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


# Seven more customers with an order each in January 1997: ten customers in all, so that the ids the generated
# sample's steward decisions name (CUST000000007, ...) belong to customers of this data too.
MORE_CUSTOMERS = ["1004,Maria Rossi,", "1005,Baker Street Books,", "1006,Kenji Sato,", "1007,Olsen Consulting AS,",
                  "1008,Priya Nair,", "1009,Fjord Fisheries,", "1010,Tomas Novak,"]
MORE_ORDERS = [f"B-{n},{1004 + n},1997-01-{20 + n},{40 + 10 * n}" for n in range(7)]
SAMPLE_SEEDS = PROJECT_DIR / "seeds" / "sample"
STEWARD_SEEDS = ("segment_overrides", "data_stewards", "identity_link_decisions", "pii_scan_exceptions", "kpi_targets")


@pytest.fixture(scope="module")
def two_files(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The documented minimum, built in full with the default steward decisions, as a user would."""
    workdir = tmp_path_factory.mktemp("two_files")
    raw = workdir / "raw"
    raw.mkdir()
    (raw / "erp_customers.csv").write_text(CUSTOMERS + "".join(line + "\n" for line in MORE_CUSTOMERS))
    (raw / "erp_invoices.csv").write_text(ORDERS + "".join(line + "\n" for line in MORE_ORDERS))
    return build(raw, workdir)


def test_two_files_give_a_green_build(two_files: Build) -> None:
    result = two_files
    assert result.result.returncode == 0, result.result.stdout[-5000:]
    assert "Raw files absent, treated as empty" in result.result.stdout

    assert result.query(
        "select erp_customer_id, email, is_email_malformed from main.stg_erp__customers where erp_customer_id <= '1003' order by 1"
    ) == [
        ("1001", "orders@acmetools.example", False),
        ("1002", "jane.smith@mail.example", False),
        ("1003", None, True),
    ]
    assert result.query(
        "select invoice_id, cast(amount as double), currency_code from main.stg_erp__invoices where invoice_id like 'A-%' order by 1"
    ) == [
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
    assert reconciliation["erp__customers"] == (5 + len(MORE_CUSTOMERS), 3 + len(MORE_CUSTOMERS), 2)
    assert reconciliation["erp__invoices"] == (7 + len(MORE_ORDERS), 3 + len(MORE_ORDERS), 4)
    assert reconciliation["crm__customers"] == (0, 0, 0)
    assert result.query("select count(*) from main.stg_support__tickets")[0][0] == 0

    # The KPIs cover 1997: its twelve fiscal periods (calendar months by default), reported up to the as-of
    # date (the last order), each period's revenue that of its orders.
    assert result.query(
        "select min(period_start_date), max(period_end_date), count(*), min(calendar_source) from main.int_kpis__fiscal_calendar"
    ) == [(dt.date(1997, 1, 1), dt.date(1997, 12, 31), 12, "generated: monthly, fiscal year starting in month 1")]
    assert result.query("select as_of_date from main.int_features__as_of_date") == [(dt.date(1997, 3, 10),)]
    assert result.query("select fiscal_period, round(revenue_usd, 2) from main.fct_company_kpis order by 1") == [
        ("FY1997-P01", 610.5), ("FY1997-P02", 80.0), ("FY1997-P03", 15.99),
    ]
    assert result.query("select count(*) from main.dim_dates where fiscal_year = 1997") == [(365,)]

    # What the build has is recorded once: two tables, and of their optional columns only the email.
    present = dict(result.query("select source_item, is_present from main.int_raw_sources_present"))
    assert present["erp_customers"] and present["erp_invoices"] and present["erp_customers.email"]
    assert not present["crm_customers"] and not present["erp_invoices.cost_amount"] and not present["support_tickets.csat_score"]
    # Features without their source are null for everyone, never 0, and the availability model says why.
    availability = {
        column: (available, reason)
        for column, available, reason in result.query(
            "select column_name, is_available, unavailable_reason from main.int_column_availability"
            " where model_name = 'int_features__customer_features'"
        )
    }
    assert availability["frequency"] == (True, None)
    assert not availability["gross_margin_rate"][0]
    assert availability["gross_margin_rate"][1].startswith("erp_invoices.cost_amount: no staged value")
    assert availability["feature_adoption_rate"][1] == "product_usage_daily.features_used: its table product_usage_daily has no staged rows"
    features = result.query(
        "select erp.source_record_id, features.frequency, features.revenue_usd, features.feature_adoption_rate,"
        " features.gross_margin_365d_usd, features.ticket_count_365d, features.mrr_usd, features.nps_response_count_365d,"
        " features.data_completeness_score"
        " from main.int_features__customer_features as features"
        " inner join main.int_identity__crosswalk as erp on features.customer_id = erp.customer_id and erp.source_system = 'erp'"
        " where erp.source_record_id <= '1003' order by 1"
    )
    assert features == [
        # Orders only: scored on billing record, purchase history and fresh financials (both bought this quarter).
        ("1001", 1, 200.5, None, None, None, None, None, 1.0),
        ("1002", 0, 15.99, None, None, None, None, None, 1.0),
        ("1003", 0, 0.0, None, None, None, None, None, round(1 / 3, 4)),
    ]
    # Too little history for the models: a status that says so, no crash.
    assert result.query("select distinct churn_model_status, churn_model_features_used from main.int_features__churn_propensity") == [
        ("not trained: too little history: 0 training and 0 validation customers (at least 50 each)", None)
    ]
    assert result.query("select distinct clv_model_status from main.int_features__clv") == [
        ("not fitted: too little data: 9 customers with a purchase, at least 20 needed",)
    ]
    # KPIs without their source are null in the marts, never 0 (that a target is then not judged, status
    # source_absent, is a unit test of fct_kpi_breaches: a user build has no targets until the user sets them).
    assert result.query(
        "select count(*), count(gross_margin_rate), count(gross_margin_usd), count(revenue_usd) from main.fct_company_kpis"
    ) == [(3, 0, 0, 3)]


def _sample_rows(seed: str) -> list[dict[str, str]]:
    with (SAMPLE_SEEDS / f"{seed}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _column_types(build: Build, table: str) -> dict[str, str]:
    return dict(build.query(
        f"select column_name, lower(data_type) from information_schema.columns where table_schema = 'main' and table_name = '{table}'"
    ))


def test_your_data_gets_empty_typed_steward_seeds_and_no_decision_of_the_sample(two_files: Build) -> None:
    """The sample's decisions name CUST000000007 and others; here those ids are the user's customers, and
    nothing the sample's stewards decided reaches them: the steward seeds are empty, with their columns typed."""
    result = two_files
    assert result.result.returncode == 0, result.result.stdout[-5000:]
    assert "Steward decisions: seeds/steward/" in result.result.stdout
    named = {row["customer_id"] for row in _sample_rows("segment_overrides")}
    present = {row[0] for row in result.query("select customer_id from main.dim_customer_segments")}
    assert "CUST000000007" in named & present  # the ids collide
    properties = yaml.safe_load((PROJECT_DIR / "seeds" / "steward" / "_steward__seeds.yml").read_text())["seeds"]
    assert sorted(seed["name"] for seed in properties) == sorted(STEWARD_SEEDS)
    for seed in properties:
        assert result.query(f"select count(*) from main.{seed['name']}") == [(0,)], seed["name"]
        assert _column_types(result, seed["name"]) == seed["config"]["column_types"], seed["name"]
    assert result.query("select count(*) from main.int_segmentation__override_audit") == [(0,)]
    assert result.query("select count(*) from main.dim_customer_segments where assignment_source = 'override'") == [(0,)]
    assert result.query("select count(*) from main.int_identity__link_decisions") == [(0,)]
    assert result.query("select count(*) from main.fct_kpi_breaches") == [(0,)]


def test_the_sample_build_applies_the_sample_steward_decisions(built_sample: Build) -> None:
    """The other side: a build of generated data that asks for the sample's decisions has every one of them."""
    assert built_sample.steward_decisions == "sample"
    assert "Steward decisions: the generated sample's, from seeds/sample/" in built_sample.result.stdout
    for seed in STEWARD_SEEDS:
        assert built_sample.query(f"select count(*) from main.{seed}") == [(len(_sample_rows(seed)),)], seed
    overrides = {row["override_id"] for row in _sample_rows("segment_overrides")}
    audited = dict(built_sample.query("select override_id, is_applied from main.int_segmentation__override_audit"))
    assert set(audited) == overrides and any(audited.values())
    assert built_sample.query("select count(*) from main.fct_kpi_breaches")[0][0] > 0


@pytest.mark.parametrize(
    ("steward_decisions", "message"),
    [
        ("sample", "was not written by the generator"),
        ("samples", "steward_decisions must be own (your steward seeds, seeds/steward/) or sample"),
    ],
)
def test_the_sample_decisions_on_your_data_stop_the_run(tmp_path: Path, steward_decisions: str, message: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "erp_customers.csv").write_text(CUSTOMERS)
    result = build(raw, tmp_path, "--select", "stg_erp__customers", steward_decisions=steward_decisions)
    assert result.result.returncode != 0
    assert message in result.result.stdout, result.result.stdout[-3000:]
    assert result.query("select count(*) from information_schema.tables where table_name = 'stg_erp__customers'") == [(0,)]


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


def _make_variable(name: str, *arguments: str) -> str | None:
    """The value make gives a variable for `make dbt-build` (a dry run: nothing is built or installed)."""
    env = {key: value for key, value in os.environ.items() if key not in ("SEG_RAW_DIR", name)}
    database = subprocess.run(
        ["make", "-pn", "-C", str(PROJECT_DIR), "dbt-build", *arguments], env=env, capture_output=True, text=True, check=False
    ).stdout
    found = re.search(rf"^{name} :?= (.*)$", database, re.MULTILINE)
    return found.group(1) if found else None


def test_make_asks_for_the_sample_decisions_only_when_it_builds_the_sample(tmp_path: Path) -> None:
    assert _make_variable("SEG_STEWARD_DECISIONS") == "sample"
    assert _make_variable("SEG_STEWARD_DECISIONS", f"SEG_RAW_DIR={tmp_path}") is None
