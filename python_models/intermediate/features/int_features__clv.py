"""Predicted CLV per customer from BG/NBD and Gamma-Gamma fits (logic: custseg.clv.predict_clv)."""

from custseg.clv import predict_clv


def model(dbt, session):
    dbt.config(materialized="table")
    summary = dbt.ref("int_features__purchases").project(
        "customer_id, as_of_date, frequency, recency_days, customer_age_days, monetary_value_usd"
    ).df()
    return predict_clv(summary, int(dbt.config.get("horizon_months")), float(dbt.config.get("monthly_discount_rate")))
