"""Predicted customer lifetime value per customer: BG/NBD and Gamma-Gamma fitted on the project's data.

``predict_clv`` takes the buy-till-you-die summary of int_features__purchases (frequency, recency and
T in days, monetary value in US dollars), fits both models by maximum likelihood (custseg.btyd), and
returns per customer the expected purchases and spend over the horizon, the probability of being
alive, and the discounted CLV, with the fitted parameters on every row so the numbers can be audited.
When the data cannot support a fit (no repeat purchases, too few repeat buyers for the spend model),
the predictions stay null and ``clv_model_status`` says why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.btyd import customer_lifetime_value, fit_bg_nbd, fit_gamma_gamma

DAYS_PER_MONTH = 30.4375

CLV_COLUMNS = [
    "customer_id",
    "as_of_date",
    "horizon_months",
    "expected_purchases",
    "probability_alive",
    "expected_order_value_usd",
    "predicted_clv_usd",
    "bg_nbd_r",
    "bg_nbd_alpha",
    "bg_nbd_a",
    "bg_nbd_b",
    "gamma_gamma_p",
    "gamma_gamma_q",
    "gamma_gamma_v",
    "clv_model_status",
]


def predict_clv(summary: pd.DataFrame, horizon_months: int, monthly_discount_rate: float) -> pd.DataFrame:
    """CLV per customer of ``summary`` (customer_id, as_of_date, frequency, recency_days, customer_age_days,
    monetary_value_usd); customers without a purchase (customer_age_days null) are left out."""
    if horizon_months < 1:
        raise ValueError(f"var clv_horizon_months must be at least 1, got {horizon_months}")
    data = summary.dropna(subset=["customer_age_days"]).sort_values("customer_id", kind="stable").reset_index(drop=True)
    if data.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in CLV_COLUMNS})
        return empty.astype({"customer_id": "string", "as_of_date": "object", "horizon_months": "int64", "clv_model_status": "string"})
    frequency = data["frequency"].to_numpy(dtype=float)
    recency = data["recency_days"].to_numpy(dtype=float)
    age = data["customer_age_days"].to_numpy(dtype=float)
    monetary = data["monetary_value_usd"].to_numpy(dtype=float)
    repeat = (frequency > 0) & (monetary > 0)
    out = pd.DataFrame(
        {
            "customer_id": data["customer_id"].astype("string"),
            "as_of_date": pd.to_datetime(data["as_of_date"]).dt.date,
            "horizon_months": np.full(len(data), horizon_months, dtype="int64"),
        }
    )
    for column in CLV_COLUMNS[3:-1]:
        out[column] = np.nan
    # Too little history to fit a model is said, not papered over: predictions stay null.
    try:
        bg = fit_bg_nbd(frequency, recency, age)
    except ValueError as error:
        out["clv_model_status"] = f"not fitted: {error}"
        return out[CLV_COLUMNS]
    horizon_days = horizon_months * DAYS_PER_MONTH
    out["expected_purchases"] = np.round(np.asarray(bg.expected_purchases(horizon_days, frequency, recency, age), dtype=float), 4)
    out["probability_alive"] = np.round(np.asarray(bg.probability_alive(frequency, recency, age), dtype=float), 4)
    for name, value in bg.params.items():
        out[f"bg_nbd_{name}"] = float(value)
    try:
        gg = fit_gamma_gamma(frequency[repeat], monetary[repeat])
    except ValueError as error:
        out["clv_model_status"] = f"spend not fitted: {error}"
        return out[CLV_COLUMNS]
    spend_input = np.where(repeat, monetary, 0.0)
    out["expected_order_value_usd"] = np.round(np.asarray(gg.expected_average_value(frequency, spend_input), dtype=float), 2)
    out["predicted_clv_usd"] = np.round(
        np.asarray(
            customer_lifetime_value(
                bg, gg, frequency, recency, age, spend_input,
                horizon_months=horizon_months, monthly_discount_rate=monthly_discount_rate,
                time_unit_days=1.0, days_per_month=DAYS_PER_MONTH,
            ),
            dtype=float,
        ),
        2,
    )
    for name, value in gg.params.items():
        out[f"gamma_gamma_{name}"] = float(value)
    out["clv_model_status"] = "fitted"
    return out[CLV_COLUMNS]
