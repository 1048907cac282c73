"""Churn risk per active customer from a model validated out of time (logic: custseg.propensity.score_churn)."""

from custseg.propensity import score_churn, temp_views


def model(dbt, session):
    dbt.config(materialized="table")
    tables = temp_views(
        session,
        {
            "invoices": dbt.ref("int_customer_facts__invoices").sql_query(),
            "subscription_events": dbt.ref("int_customer_facts__subscription_events").sql_query(),
            "tickets": dbt.ref("int_customer_facts__tickets").sql_query(),
            "usage_days": dbt.ref("int_customer_facts__usage_days").sql_query(),
        },
    )
    as_of = dbt.ref("int_features__as_of_date").df()["as_of_date"].iloc[0]
    return score_churn(session, tables, as_of, int(dbt.config.get("horizon_days")), int(dbt.config.get("seed")))
