"""Churn propensity: a score per customer from a model validated out of time.

Design (the logic behind python_models/intermediate/features/int_features__churn_propensity.py):

* A customer is **active** at a date when they bought in the 365 days before it or hold a
  subscription with recurring revenue then. An active customer **churns** over the next ``horizon``
  days when they make no purchase and hold no paying subscription at the end of them.
* Features at a cutoff use only facts dated on or before it (``snapshot_features``): recency, order
  and revenue counts over 90 and 365 days, the 90-day revenue trend, tenure, support load and CSAT,
  product activity, MRR and its 90-day change.
* **Out-of-time validation**: the model is trained on customers active at ``as_of - 2 horizon``,
  labelled by what they did over the following horizon, and its AUC is measured on customers active
  at ``as_of - horizon``, labelled by the last horizon — a period it never saw. The scoring model is
  then refitted on that latest labelled window and applied at the as-of date.
* The classifier is scikit-learn's ``HistGradientBoostingClassifier`` (missing values allowed, seeded).
* **Only features with something to learn from**: a feature that is all null, nearly empty or
  constant in the training or the validation window (custseg.model_inputs; e.g. CSAT without support
  tickets, MRR without subscriptions) is left out, and every row names the features used and the
  ones dropped with the reason. No feature left, or too few customers, gives null scores and a
  status that says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from custseg.model_inputs import FeatureScreen, screen_features

FEATURES = [
    "days_since_last_purchase",
    "orders_90d",
    "orders_365d",
    "revenue_90d_usd",
    "revenue_365d_usd",
    "revenue_trend_90d",
    "tenure_days",
    "tickets_365d",
    "urgent_tickets_365d",
    "csat_average_365d",
    "active_days_90d",
    "active_days_365d",
    "mrr_usd",
    "mrr_change_90d_usd",
]
MIN_TRAINING_ROWS = 50
SCORE_COLUMNS = [
    "customer_id",
    "as_of_date",
    "churn_risk_score",
    "churn_horizon_days",
    "churn_model_auc_out_of_time",
    "churn_model_training_rows",
    "churn_model_validation_rows",
    "churn_model_status",
    "churn_model_features_used",
    "churn_model_features_dropped",
]

_SNAPSHOT_SQL = """
with
purchases as (
    select customer_id, invoice_date, amount_usd
    from {invoices}
    where is_purchase and invoice_date <= $cutoff
),
purchase_summary as (
    select
        customer_id,
        $cutoff - max(invoice_date) as days_since_last_purchase,
        $cutoff - min(invoice_date) as tenure_days,
        count(*) filter (where invoice_date > $cutoff - 90) as orders_90d,
        count(*) filter (where invoice_date > $cutoff - 365) as orders_365d,
        coalesce(sum(amount_usd) filter (where invoice_date > $cutoff - 90), 0) as revenue_90d_usd,
        coalesce(sum(amount_usd) filter (where invoice_date > $cutoff - 365), 0) as revenue_365d_usd,
        coalesce(sum(amount_usd) filter (where invoice_date > $cutoff - 180 and invoice_date <= $cutoff - 90), 0)
            as revenue_prior_90d_usd
    from purchases
    group by customer_id
),
subscription_states as (
    select
        customer_id,
        subscription_id,
        arg_max(mrr_after_usd, (event_at, event_id)) as mrr_usd,
        arg_max(mrr_after_usd, (event_at, event_id)) filter (where cast(event_at as date) <= $cutoff - 90) as mrr_90d_ago_usd
    from {subscription_events}
    where cast(event_at as date) <= $cutoff
    group by customer_id, subscription_id
),
subscriptions as (
    select customer_id, sum(mrr_usd) as mrr_usd, sum(mrr_usd) - coalesce(sum(mrr_90d_ago_usd), 0) as mrr_change_90d_usd
    from subscription_states
    group by customer_id
),
service as (
    select
        customer_id,
        count(*) as tickets_365d,
        count(*) filter (where priority in ('high', 'urgent')) as urgent_tickets_365d,
        avg(csat_score) as csat_average_365d
    from {tickets}
    where cast(created_at as date) <= $cutoff and cast(created_at as date) > $cutoff - 365
    group by customer_id
),
usage as (
    select
        customer_id,
        count(distinct usage_date) filter (where usage_date > $cutoff - 90) as active_days_90d,
        count(distinct usage_date) as active_days_365d
    from {usage_days}
    where usage_date <= $cutoff and usage_date > $cutoff - 365
    group by customer_id
),
customers as (
    select customer_id from purchase_summary
    union
    select customer_id from subscriptions
)
select
    customers.customer_id,
    purchase_summary.days_since_last_purchase,
    coalesce(purchase_summary.orders_90d, 0) as orders_90d,
    coalesce(purchase_summary.orders_365d, 0) as orders_365d,
    coalesce(purchase_summary.revenue_90d_usd, 0) as revenue_90d_usd,
    coalesce(purchase_summary.revenue_365d_usd, 0) as revenue_365d_usd,
    coalesce(purchase_summary.revenue_90d_usd, 0) - coalesce(purchase_summary.revenue_prior_90d_usd, 0) as revenue_trend_90d,
    purchase_summary.tenure_days,
    coalesce(service.tickets_365d, 0) as tickets_365d,
    coalesce(service.urgent_tickets_365d, 0) as urgent_tickets_365d,
    service.csat_average_365d,
    coalesce(usage.active_days_90d, 0) as active_days_90d,
    coalesce(usage.active_days_365d, 0) as active_days_365d,
    coalesce(subscriptions.mrr_usd, 0) as mrr_usd,
    coalesce(subscriptions.mrr_change_90d_usd, 0) as mrr_change_90d_usd
from customers
left join purchase_summary using (customer_id)
left join subscriptions using (customer_id)
left join service using (customer_id)
left join usage using (customer_id)
where coalesce(purchase_summary.orders_365d, 0) > 0 or coalesce(subscriptions.mrr_usd, 0) > 0
order by customers.customer_id
"""

_LABEL_SQL = """
with
later_purchases as (
    select distinct customer_id
    from {invoices}
    where is_purchase and invoice_date > $cutoff and invoice_date <= $cutoff + {horizon}
),
subscription_states as (
    select customer_id, subscription_id, arg_max(mrr_after_usd, (event_at, event_id)) as mrr_usd
    from {subscription_events}
    where cast(event_at as date) <= $cutoff + {horizon}
    group by customer_id, subscription_id
),
paying as (
    select customer_id from subscription_states group by customer_id having sum(mrr_usd) > 0
)
select
    customer_id,
    customer_id not in (select customer_id from later_purchases)
    and customer_id not in (select customer_id from paying) as churned
from (select unnest($customers) as customer_id)
"""


@dataclass(frozen=True)
class FactTables:
    """Names (tables or views on the connection) of the attributed fact tables."""

    invoices: str
    subscription_events: str
    tickets: str
    usage_days: str


def snapshot_features(con: duckdb.DuckDBPyConnection, tables: FactTables, cutoff: dt.date) -> pd.DataFrame:
    """Features of the customers active at ``cutoff``, from facts dated on or before it."""
    sql = _SNAPSHOT_SQL.format(**vars(tables))
    return con.execute(sql, {"cutoff": cutoff}).df()


def churn_labels(con: duckdb.DuckDBPyConnection, tables: FactTables, cutoff: dt.date, horizon_days: int, customers: pd.Series) -> np.ndarray:
    """True for customers with no purchase and no paying subscription over (cutoff, cutoff + horizon]."""
    sql = _LABEL_SQL.format(invoices=tables.invoices, subscription_events=tables.subscription_events, horizon=int(horizon_days))
    labels = con.execute(sql, {"cutoff": cutoff, "customers": customers.astype(str).tolist()}).df()
    return customers.map(labels.set_index("customer_id")["churned"]).fillna(False).to_numpy(dtype=bool)


def _classifier(seed: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15, l2_regularization=1.0, random_state=seed)


def score_churn(con: duckdb.DuckDBPyConnection, tables: FactTables, as_of: dt.date, horizon_days: int, seed: int = 42) -> pd.DataFrame:
    """Churn risk over the next ``horizon_days`` for every customer active at ``as_of`` (see module doc)."""
    if horizon_days < 30:
        raise ValueError(f"var churn_horizon_days must be at least 30, got {horizon_days}")
    as_of = pd.Timestamp(as_of).date()  # a date, whatever the caller holds (pandas gives timestamps)
    validation_cutoff = as_of - dt.timedelta(days=horizon_days)
    training_cutoff = validation_cutoff - dt.timedelta(days=horizon_days)
    train = snapshot_features(con, tables, training_cutoff)
    valid = snapshot_features(con, tables, validation_cutoff)
    current = snapshot_features(con, tables, as_of)
    out = pd.DataFrame({"customer_id": current["customer_id"].astype("string")})
    out["as_of_date"] = as_of
    out["churn_risk_score"] = np.nan
    out["churn_horizon_days"] = int(horizon_days)
    out["churn_model_auc_out_of_time"] = np.nan
    out["churn_model_training_rows"] = len(train)
    out["churn_model_validation_rows"] = len(valid)
    y_train = churn_labels(con, tables, training_cutoff, horizon_days, train["customer_id"])
    y_valid = churn_labels(con, tables, validation_cutoff, horizon_days, valid["customer_id"])
    out["churn_model_features_used"] = None
    out["churn_model_features_dropped"] = None
    if len(train) < MIN_TRAINING_ROWS or len(valid) < MIN_TRAINING_ROWS:
        problem = f"too little history: {len(train)} training and {len(valid)} validation customers (at least {MIN_TRAINING_ROWS} each)"
        return _not_trained(out, problem)
    screen = screen_features({"training window": train, "validation window": valid}, FEATURES)
    out["churn_model_features_used"] = screen.used_text()
    out["churn_model_features_dropped"] = screen.dropped_text()
    if len(set(y_train)) < 2 or len(set(y_valid)) < 2:
        return _not_trained(out, "a window has only churners or only stayers")
    if not screen.used:
        return _not_trained(out, "no usable feature (every one is null, nearly empty or constant)")
    model = _classifier(seed).fit(_matrix(train, screen), y_train)
    auc = roc_auc_score(y_valid, model.predict_proba(_matrix(valid, screen))[:, 1])
    scorer = _classifier(seed).fit(_matrix(valid, screen), y_valid)
    if len(current):
        out["churn_risk_score"] = np.round(scorer.predict_proba(_matrix(current, screen))[:, 1], 4)
    out["churn_model_auc_out_of_time"] = round(float(auc), 4)
    out["churn_model_status"] = "trained"
    return _typed(out)


def _matrix(frame: pd.DataFrame, screen: FeatureScreen) -> np.ndarray:
    """The used features of a window as the classifier takes them."""
    return frame[list(screen.used)].to_numpy(dtype=float)


def _not_trained(out: pd.DataFrame, problem: str) -> pd.DataFrame:
    out["churn_model_status"] = f"not trained: {problem}"
    return _typed(out)


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    out = out[SCORE_COLUMNS].copy()
    out["customer_id"] = out["customer_id"].astype("string")
    for column in ("churn_model_status", "churn_model_features_used", "churn_model_features_dropped"):
        out[column] = out[column].astype("string")
    for column in ("churn_horizon_days", "churn_model_training_rows", "churn_model_validation_rows"):
        out[column] = out[column].astype("int64")
    for column in ("churn_risk_score", "churn_model_auc_out_of_time"):
        out[column] = out[column].astype("float64")
    return out


def temp_views(con: duckdb.DuckDBPyConnection, queries: dict[str, str], prefix: str = "churn_facts__") -> FactTables:
    """Temporary views over the fact queries (e.g. the SQL of dbt relations), named for this module."""
    for name, query in queries.items():
        con.execute(f"create or replace temp view {prefix}{name} as {query}")
    return FactTables(**{name: f"{prefix}{name}" for name in queries})
