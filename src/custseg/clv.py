"""Predicted customer lifetime value per customer: BG/NBD and Gamma-Gamma fitted on the project's data.

``predict_clv`` takes the buy-till-you-die summary of int_features__purchases (frequency, recency and
T in days, monetary value in US dollars), fits both models by maximum likelihood (custseg.btyd), and
returns per customer the expected purchases and spend over the horizon, the probability of being
alive, and the discounted CLV, with the fitted parameters on every row so the numbers can be audited.
When the data cannot support a fit, the predictions stay null and ``clv_model_status`` says why:
fewer than :data:`~custseg.model_inputs.MIN_FEATURE_VALUES` customers with a purchase, nobody who
bought twice, or a fit whose parameters run off to infinity (a summary with almost no variation,
e.g. every customer bought on the same days). The spend input is screened like any model input
(custseg.model_inputs): all null, nearly empty or constant among the repeat buyers, the Gamma-Gamma
model is not fitted and ``clv_model_inputs_dropped`` says why, while expected purchases and
probability alive are still given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.btyd import customer_lifetime_value, fit_bg_nbd, fit_gamma_gamma
from custseg.model_inputs import MIN_FEATURE_VALUES, column_problem

DAYS_PER_MONTH = 30.4375
PURCHASE_INPUTS = ("frequency", "recency_days", "customer_age_days")
SPEND_INPUT = "monetary_value_usd"

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
    "clv_model_inputs_used",
    "clv_model_inputs_dropped",
]


def predict_clv(summary: pd.DataFrame, horizon_months: int, monthly_discount_rate: float) -> pd.DataFrame:
    """CLV per customer of ``summary`` (customer_id, as_of_date, frequency, recency_days, customer_age_days,
    monetary_value_usd); customers without a purchase (customer_age_days null) are left out."""
    if horizon_months < 1:
        raise ValueError(f"var clv_horizon_months must be at least 1, got {horizon_months}")
    data = summary.dropna(subset=["customer_age_days"]).sort_values("customer_id", kind="stable").reset_index(drop=True)
    if data.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in CLV_COLUMNS})
        return _typed(empty.astype({"as_of_date": "object", "horizon_months": "int64"}))
    frequency = data["frequency"].to_numpy(dtype=float)
    recency = data["recency_days"].to_numpy(dtype=float)
    age = data["customer_age_days"].to_numpy(dtype=float)
    monetary = data[SPEND_INPUT].to_numpy(dtype=float)
    repeat = (frequency > 0) & (monetary > 0)
    out = pd.DataFrame(
        {
            "customer_id": data["customer_id"].astype("string"),
            "as_of_date": pd.to_datetime(data["as_of_date"]).dt.date,
            "horizon_months": np.full(len(data), horizon_months, dtype="int64"),
        }
    )
    for column in CLV_COLUMNS[3:]:
        out[column] = np.nan
    # Too little history to fit a model is said, not papered over: predictions stay null.
    if len(data) < MIN_FEATURE_VALUES:
        return _status(out, f"not fitted: too little data: {len(data)} customers with a purchase, at least {MIN_FEATURE_VALUES} needed")
    try:
        bg = fit_bg_nbd(frequency, recency, age)
    except ValueError as error:
        return _status(out, f"not fitted: {error}")
    horizon_days = horizon_months * DAYS_PER_MONTH
    expected = np.asarray(bg.expected_purchases(horizon_days, frequency, recency, age), dtype=float)
    alive = np.asarray(bg.probability_alive(frequency, recency, age), dtype=float)
    if not (np.isfinite(expected).all() and np.isfinite(alive).all()):
        return _status(out, "not fitted: the BG/NBD parameters run off to infinity (frequency, recency and T vary too little to estimate them)")
    out["expected_purchases"] = np.round(expected, 4)
    out["probability_alive"] = np.round(alive, 4)
    for name, value in bg.params.items():
        out[f"bg_nbd_{name}"] = float(value)
    out["clv_model_inputs_used"] = ", ".join(PURCHASE_INPUTS)
    spend_problem = column_problem(pd.Series(monetary[frequency > 0]), "among repeat buyers")
    if spend_problem:
        out["clv_model_inputs_dropped"] = f"{SPEND_INPUT} ({spend_problem})"
        return _status(out, f"spend not fitted: {SPEND_INPUT} is {spend_problem}")
    try:
        gg = fit_gamma_gamma(frequency[repeat], monetary[repeat])
    except ValueError as error:
        return _status(out, f"spend not fitted: {error}")
    spend_input = np.where(repeat, monetary, 0.0)
    order_value = np.asarray(gg.expected_average_value(frequency, spend_input), dtype=float)
    clv = np.asarray(
        customer_lifetime_value(
            bg, gg, frequency, recency, age, spend_input,
            horizon_months=horizon_months, monthly_discount_rate=monthly_discount_rate,
            time_unit_days=1.0, days_per_month=DAYS_PER_MONTH,
        ),
        dtype=float,
    )
    if not (np.isfinite(order_value).all() and np.isfinite(clv).all()):
        return _status(out, "spend not fitted: the Gamma-Gamma parameters run off to infinity (repeat spend varies too little to estimate them)")
    out["expected_order_value_usd"] = np.round(order_value, 2)
    out["predicted_clv_usd"] = np.round(clv, 2)
    for name, value in gg.params.items():
        out[f"gamma_gamma_{name}"] = float(value)
    out["clv_model_inputs_used"] = ", ".join((*PURCHASE_INPUTS, SPEND_INPUT))
    return _status(out, "fitted")


def _status(out: pd.DataFrame, status: str) -> pd.DataFrame:
    out["clv_model_status"] = status
    return _typed(out)


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    out = out[CLV_COLUMNS].copy()
    for column in ("customer_id", "clv_model_status", "clv_model_inputs_used", "clv_model_inputs_dropped"):
        out[column] = out[column].astype("string")
    return out
