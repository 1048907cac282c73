"""Unit tests of custseg.propensity: no look-ahead, churn labels, out-of-time validation, thin data."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from custseg.propensity import churn_labels, score_churn, snapshot_features, temp_views

AS_OF = dt.date(2026, 10, 31)


def facts(n: int = 600, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Customers who buy steadily; half of them 'decline' (buy ever more rarely, call support) and stop."""
    rng = np.random.default_rng(seed)
    invoices, tickets = [], []
    start = AS_OF - dt.timedelta(days=720)
    for i in range(n):
        declining = i % 2 == 1
        stop = rng.integers(200, 720) if declining else 10_000
        day = int(rng.integers(0, 30))
        gap = 20.0
        while day < 720:
            if day < stop:
                invoices.append((f"C{i:04d}", start + dt.timedelta(days=day), float(rng.gamma(3, 50))))
                if declining and rng.random() < 0.3:
                    tickets.append((f"C{i:04d}", start + dt.timedelta(days=day), "high" if rng.random() < 0.5 else "normal", 2.0))
            gap = gap * (1.25 if declining else 1.0)
            day += int(rng.exponential(gap)) + 1
    inv = pd.DataFrame(invoices, columns=["customer_id", "invoice_date", "amount_usd"]).assign(is_purchase=True)
    inv["invoice_id"] = [f"I{i}" for i in range(len(inv))]
    tic = pd.DataFrame(tickets, columns=["customer_id", "created_at", "priority", "csat_score"])
    tic["created_at"] = pd.to_datetime(tic["created_at"])
    subs = pd.DataFrame({"customer_id": pd.Series(dtype=str), "subscription_id": pd.Series(dtype=str), "event_id": pd.Series(dtype=str),
                         "event_at": pd.Series(dtype="datetime64[us]"), "mrr_after_usd": pd.Series(dtype=float)})
    usage = pd.DataFrame({"customer_id": pd.Series(dtype=str), "usage_date": pd.Series(dtype="datetime64[us]")})
    return {"invoices": inv, "subscription_events": subs, "tickets": tic, "usage_days": usage}


def connect(frames: dict[str, pd.DataFrame]):
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(f"raw_{name}", frame)
    return con, temp_views(con, {name: f"select * from raw_{name}" for name in frames})


def test_features_at_a_cutoff_ignore_later_facts() -> None:
    frames = facts(50)
    con, tables = connect(frames)
    cutoff = AS_OF - dt.timedelta(days=180)
    before = snapshot_features(con, tables, cutoff)
    later = frames["invoices"]["invoice_date"] > cutoff
    trimmed = {**frames, "invoices": frames["invoices"][~later]}
    con2, tables2 = connect(trimmed)
    pd.testing.assert_frame_equal(before, snapshot_features(con2, tables2, cutoff))
    assert (before["days_since_last_purchase"] >= 0).all()


def test_churn_means_no_purchase_and_no_paying_subscription_over_the_horizon() -> None:
    invoices = pd.DataFrame(
        {"customer_id": ["A", "B", "C"], "invoice_date": [dt.date(2026, 1, 10)] * 3, "amount_usd": 10.0, "is_purchase": True, "invoice_id": ["1", "2", "3"]}
    )
    invoices = pd.concat([invoices, pd.DataFrame({"customer_id": ["A"], "invoice_date": [dt.date(2026, 3, 1)], "amount_usd": 5.0, "is_purchase": True, "invoice_id": ["4"]})])
    subs = pd.DataFrame({"customer_id": ["B"], "subscription_id": ["S1"], "event_id": ["E1"], "event_at": [pd.Timestamp("2025-12-01")], "mrr_after_usd": [99.0]})
    frames = facts(1)
    frames.update(invoices=invoices, subscription_events=subs)
    con, tables = connect(frames)
    labels = churn_labels(con, tables, dt.date(2026, 1, 31), 90, pd.Series(["A", "B", "C"]))
    assert labels.tolist() == [False, False, True]  # A bought again, B still pays, C did neither


def test_the_model_is_validated_out_of_time_and_ranks_churners_first() -> None:
    con, tables = connect(facts())
    scores = score_churn(con, tables, AS_OF, 180)
    assert scores["churn_model_status"].iloc[0] == "trained"
    assert scores["churn_model_auc_out_of_time"].iloc[0] > 0.7
    assert scores["churn_risk_score"].between(0, 1).all()
    assert (scores["churn_model_training_rows"] > 50).all()
    # Deterministic for a seed, and the as-of date may come as a pandas timestamp.
    pd.testing.assert_frame_equal(scores, score_churn(con, tables, pd.Timestamp(AS_OF), 180))


def test_too_little_history_gives_null_scores_with_a_reason() -> None:
    frames = facts(10)
    con, tables = connect(frames)
    scores = score_churn(con, tables, AS_OF, 180)
    assert scores["churn_risk_score"].isna().all()
    assert scores["churn_model_status"].str.startswith("not trained: too little history").all()
    with pytest.raises(ValueError, match="churn_horizon_days"):
        score_churn(con, tables, AS_OF, 7)


# --- The data's shape: columns with nothing to learn from are dropped, with the reason -----------


def test_all_null_and_constant_columns_are_dropped_with_their_reason() -> None:
    frames = facts()
    frames["tickets"] = frames["tickets"].assign(csat_score=np.nan)  # support tickets without CSAT answers
    con, tables = connect(frames)  # and no product usage or subscriptions: their features are 0 for everyone
    scores = score_churn(con, tables, AS_OF, 180)
    assert scores["churn_model_status"].iloc[0] == "trained"
    assert scores["churn_model_auc_out_of_time"].iloc[0] > 0.7
    used = scores["churn_model_features_used"].iloc[0].split(", ")
    assert "days_since_last_purchase" in used and "tickets_365d" in used
    assert not {"csat_average_365d", "active_days_90d", "mrr_usd"} & set(used)
    dropped = scores["churn_model_features_dropped"].iloc[0]
    assert "csat_average_365d (all null in the training window)" in dropped
    assert "active_days_90d (constant in the training window: every value is 0)" in dropped
    assert "mrr_usd (constant in the training window: every value is 0)" in dropped


def test_a_nearly_empty_column_is_dropped() -> None:
    frames = facts(300)
    tickets = frames["tickets"].copy()
    tickets.loc[tickets.index[5:], "csat_score"] = np.nan  # five CSAT answers in two years
    frames["tickets"] = tickets
    con, tables = connect(frames)
    scores = score_churn(con, tables, AS_OF, 180)
    assert scores["churn_model_status"].iloc[0] == "trained"
    assert "csat_average_365d (nearly empty in the training window:" in scores["churn_model_features_dropped"].iloc[0]
    assert "csat_average_365d" not in scores["churn_model_features_used"].iloc[0].split(", ")


def test_too_few_customers_give_a_status_and_no_feature_list() -> None:
    frames = facts(10)
    frames["tickets"] = frames["tickets"].assign(csat_score=np.nan)
    con, tables = connect(frames)
    scores = score_churn(con, tables, AS_OF, 180)
    assert scores["churn_model_status"].str.startswith("not trained: too little history").all()
    assert scores["churn_model_features_used"].isna().all() and scores["churn_risk_score"].isna().all()
