"""Unit tests of custseg.model_inputs and of how CLV takes the data's shape: degenerate columns are
dropped with the reason, too little data gives a status, never a crash or a silent null."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from custseg.btyd import simulate_bg_nbd
from custseg.clv import predict_clv
from custseg.model_inputs import MIN_FEATURE_VALUES, screen_features


def test_screen_names_each_dropped_column_and_its_first_problem() -> None:
    n = 100
    training = pd.DataFrame(
        {
            "varied": np.arange(n, dtype=float),
            "all_null": np.nan,
            "nearly_empty": [1.0, 2.0, 3.0] + [np.nan] * (n - 3),
            "constant": 0.0,
            "infinite": np.inf,
            "varies_only_later": 5.0,
        }
    )
    validation = training.assign(varies_only_later=np.arange(n, dtype=float))
    screen = screen_features({"training window": training, "validation window": validation}, list(training.columns))
    assert screen.used == ("varied",)
    assert screen.dropped == {
        "all_null": "all null in the training window",
        "nearly_empty": f"nearly empty in the training window: 3 values, fewer than {MIN_FEATURE_VALUES}",
        "constant": "constant in the training window: every value is 0",
        "infinite": "all null in the training window",
        "varies_only_later": "constant in the training window: every value is 5",
    }
    assert screen.used_text() == "varied"
    assert screen.dropped_text().startswith("all_null (all null in the training window); nearly_empty (")
    # A column fine in the first window but empty in the second is dropped for the second.
    later_empty = screen_features({"training window": training, "validation window": validation.assign(varied=np.nan)}, ["varied"])
    assert later_empty.dropped == {"varied": "all null in the validation window"}
    assert screen_features({"w": training}, ["varied"]).dropped_text() is None
    with pytest.raises(ValueError, match="min_values"):
        screen_features({"w": training}, ["varied"], min_values=0)


def summary(n: int = 600, seed: int = 1) -> pd.DataFrame:
    """A buy-till-you-die summary drawn from the BG/NBD process, with Gamma-distributed repeat spend."""
    simulated = simulate_bg_nbd(n, r=0.8, alpha=40.0, a=0.5, b=4.0, T=365.0, seed=seed)
    spend = np.random.default_rng(seed + 1).gamma(4.0, 25.0, n)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "as_of_date": "2026-10-31",
            "frequency": simulated["frequency"],
            "recency_days": simulated["recency"],
            "customer_age_days": simulated["T"],
            "monetary_value_usd": np.where(simulated["frequency"] > 0, spend, 0.0),
        }
    )


def test_clv_names_its_inputs_when_fitted() -> None:
    clv = predict_clv(summary(), 12, 0.01)
    assert (clv["clv_model_status"] == "fitted").all()
    assert (clv["clv_model_inputs_used"] == "frequency, recency_days, customer_age_days, monetary_value_usd").all()
    assert clv["clv_model_inputs_dropped"].isna().all() and clv["predicted_clv_usd"].notna().all()


@pytest.mark.parametrize(
    ("spend", "reason"),
    [
        (lambda s: s.assign(monetary_value_usd=np.nan), "all null among repeat buyers"),
        (lambda s: s.assign(monetary_value_usd=np.where(s["frequency"] > 0, 25.0, 0.0)), "constant among repeat buyers: every value is 25"),
        (lambda s: s.assign(monetary_value_usd=s["monetary_value_usd"].where(s["frequency"].gt(0).cumsum() <= 15)), "nearly empty among repeat buyers: 15 values"),
    ],
    ids=["all-null", "constant", "nearly-empty"],
)
def test_an_unusable_spend_column_is_dropped_and_purchases_are_still_predicted(spend, reason) -> None:
    clv = predict_clv(spend(summary()), 12, 0.01)
    assert clv["clv_model_status"].str.startswith("spend not fitted: monetary_value_usd is " + reason).all()
    assert clv["clv_model_inputs_dropped"].str.startswith("monetary_value_usd (" + reason).all()
    assert (clv["clv_model_inputs_used"] == "frequency, recency_days, customer_age_days").all()
    assert clv["predicted_clv_usd"].isna().all() and clv["expected_order_value_usd"].isna().all()
    assert clv["expected_purchases"].notna().all() and clv["probability_alive"].between(0, 1).all()


def test_a_summary_without_variation_is_not_fitted_rather_than_fitted_with_null_predictions() -> None:
    same_days = summary(40).assign(frequency=2, recency_days=50, customer_age_days=100, monetary_value_usd=10.0)
    clv = predict_clv(same_days, 12, 0.01)
    assert clv["clv_model_status"].str.startswith("not fitted: the BG/NBD parameters run off to infinity").all()
    assert clv[["expected_purchases", "probability_alive", "predicted_clv_usd", "bg_nbd_r"]].isna().all().all()


def test_too_few_customers_give_a_status() -> None:
    clv = predict_clv(summary().head(MIN_FEATURE_VALUES - 1), 12, 0.01)
    assert len(clv) == MIN_FEATURE_VALUES - 1
    assert clv["clv_model_status"].str.startswith(f"not fitted: too little data: {MIN_FEATURE_VALUES - 1} customers").all()
    assert clv["expected_purchases"].isna().all() and clv["clv_model_inputs_used"].isna().all()
