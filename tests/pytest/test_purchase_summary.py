"""The buy-till-you-die summary of int_features__purchases, from raw order files, against values computed by hand
(lifetimes' summary_data_from_transaction_data definitions; lifetimes itself is checked in make btyd-reference),
and custseg.btyd_summary_check's comparison."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import build

from custseg.btyd_summary_check import compare_summaries, project_summary

CUSTOMERS = """erp_customer_id,customer_name
Z,Zero Only Trading
R,Repeat With Free Item Ltd
S,Same Day Twice GmbH
C,Credit Note And Cancellation BV
N,Credit Note Only Inc
L,Last Day Buyer SA
"""

# The observation ends on the latest invoice date, 2025-03-31 (L's order).
ORDERS = """invoice_id,erp_customer_id,invoice_date,amount,status
Z-1,Z,2025-01-10,0,paid
R-1,R,2025-01-01,50.00,paid
R-2,R,2025-01-15,0.00,paid
R-3,R,2025-02-01,30.00,open
S-1,S,2025-02-10,10.00,paid
S-2,S,2025-02-10,5.25,paid
S-3,S,2025-03-01,7.10,paid
S-4,S,2025-03-01,2.91,paid
S-5,S,2025-03-20,20.00,paid
S-6,S,2025-03-25,0.01,paid
C-1,C,2025-01-05,40.00,paid
C-2,C,2025-01-20,-40.00,credit_note
C-3,C,2025-02-05,25.00,void
C-4,C,2025-02-20,15.00,Cancelled
C-5,C,2025-03-05,-10.00,paid
C-6,C,2025-03-10,12.50,open
C-7,C,2025-03-10,-2.50,Credit note
C-8,C,2025-03-15,9.00,shipped
N-1,N,2025-02-01,-5.00,credit_note
L-1,L,2025-03-31,100.00,paid
"""

# By hand: purchase days are days with a paid or open invoice of amount >= 0, the day's value their sum.
EXPECTED = pd.DataFrame(
    [
        # Only a $0 order: a customer with one purchase day, observed for 80 days (Jan 10 to Mar 31).
        ("Z", 0, 0, 80, 0.0),
        # Jan 1 ($50), Jan 15 ($0), Feb 1 ($30): two repeat days, Jan 1 to Feb 1, mean of 0 and 30.
        ("R", 2, 31, 89, 15.0),
        # Feb 10 ($15.25, two orders), Mar 1 ($10.01, two orders), Mar 20 ($20), Mar 25 ($0.01): three repeat
        # days, Feb 10 to Mar 25, mean 30.02 / 3, not rounded.
        ("S", 3, 43, 49, 30.02 / 3),
        # Jan 5 ($40) and Mar 10 ($12.50; the credit note that day is no purchase and does not reduce it). Not
        # purchases: the credit note, the void and the cancelled invoice; quarantined: the negative paid invoice
        # and the unknown status.
        ("C", 1, 64, 85, 12.5),
        # One order on the last day.
        ("L", 0, 0, 0, 0.0),
    ],
    columns=["erp_customer_id", "frequency", "recency", "T", "monetary_value"],
).set_index("erp_customer_id")


def test_purchase_days_and_monetary_value_as_lifetimes_defines_them(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "erp_customers.csv").write_text(CUSTOMERS)
    (raw / "erp_invoices.csv").write_text(ORDERS)
    # Only what int_features__purchases reads, with the data tests of those models.
    result = build(raw, tmp_path, "--select", "+int_features__purchases", "--indirect-selection", "cautious")
    assert result.result.returncode == 0, result.result.stdout[-5000:]

    assert sorted(result.query("select invoice_id, invoice_status from main.stg_erp__invoices where erp_customer_id = 'C'")) == [
        ("C-1", "paid"), ("C-2", "credit_note"), ("C-3", "void"), ("C-4", "void"), ("C-6", "open"), ("C-7", "credit_note"),
    ]
    assert sorted(result.query("select invoice_id, rejection_reason from main.base_erp__invoices where rejection_reason is not null")) == [
        ("C-5", "negative_amount"), ("C-8", "unknown_category"),
    ]

    summary = project_summary(result.warehouse)
    assert (summary["as_of_date"].astype(str) == "2025-03-31").all()
    # A customer with invoices but no purchase has a row without a first purchase: no T.
    assert summary.loc["N", ["frequency", "recency", "monetary_value"]].tolist() == [0, 0, 0.0]
    assert pd.isna(summary.loc["N", "T"])

    ours = summary[summary["T"].notna()][list(EXPECTED.columns)]
    assert ours.index.tolist() == sorted(EXPECTED.index), "customers with a purchase day"
    ours = ours.loc[EXPECTED.index]
    assert ours[["frequency", "recency", "T"]].astype(int).to_numpy().tolist() == \
        EXPECTED[["frequency", "recency", "T"]].to_numpy().tolist()
    # Full precision: 10.00666..., not 10.01.
    assert ours["monetary_value"].to_numpy() == pytest.approx(EXPECTED["monetary_value"].to_numpy(), rel=1e-12, abs=0)

    ok, report = compare_summaries(summary, EXPECTED)
    assert ok, report


def reference() -> pd.DataFrame:
    return pd.DataFrame(
        {"frequency": [2.0, 0.0, 1.0], "recency": [14.0, 0.0, 21.0], "T": [30.0, 11.0, 21.0],
         "monetary_value": [30.0, 0.0, 12.345678901234]},
        index=pd.Index(["A", "B", "C"], name="customer_id"),
    )


def project(changes: dict[tuple[str, str], float | None] | None = None) -> pd.DataFrame:
    frame = reference().assign(customer_id=["CUST1", "CUST2", "CUST3"], erp_customers_of_customer=1)
    for (customer, column), value in (changes or {}).items():
        frame.loc[customer, column] = value
    return frame


def test_compare_summaries_passes_equal_summaries_and_names_each_difference() -> None:
    ok, report = compare_summaries(project(), reference())
    assert ok, report
    assert "3 compared, 0 differ" in report

    # Monetary value within 1e-9 relative passes; beyond it, the customer and both values are shown.
    ok, report = compare_summaries(project({("C", "monetary_value"): 12.345678901234 * (1 + 1e-10)}), reference())
    assert ok, report
    ok, report = compare_summaries(project({("C", "monetary_value"): 12.35}), reference())
    assert not ok
    assert "1 differ" in report and "customer C: project" in report and "monetary_value 12.35;" in report

    # frequency, recency and T must be equal exactly.
    for column in ("frequency", "recency", "T"):
        ok, report = compare_summaries(project({("A", column): reference().at["A", column] + 1}), reference())
        assert not ok and f"{column} (" in report and "; 1 differ:" in report, report

    # A customer without a purchase day in the project, one lifetimes does not have, two merged into one.
    ok, report = compare_summaries(project({("B", "T"): None}), reference())
    assert not ok and "1 customers of lifetimes have no purchase in the project" in report
    assert "customer B: lifetimes frequency 0, recency 0, T 11, monetary_value 0; project: no purchase day" in report
    ok, report = compare_summaries(project(), reference().drop(index="A"))
    assert not ok and "1 customers with a purchase in the project are not in lifetimes' summary" in report
    merged = project()
    merged.loc[["A", "B"], "customer_id"] = "CUST1"
    merged.loc[["A", "B"], "erp_customers_of_customer"] = 2
    ok, report = compare_summaries(merged, reference())
    assert not ok and "2 CDNOW customers share a project customer" in report
