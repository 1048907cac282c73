"""Cluster segment of every clusterable customer under the current run, with hysteresis (logic: custseg.segmentation)."""

from custseg.segmentation import build_assignments


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        unique_key="customer_id",
        incremental_strategy="delete+insert",
        full_refresh=False,
        on_schema_change="fail",
    )
    runs = dbt.ref("int_segmentation__runs").df()
    clusterable = dbt.ref("int_segmentation__eligibility").filter("is_clusterable").project("customer_id")
    eligible = dbt.ref("int_features__customer_features").join(clusterable, "customer_id").df()
    previous = session.sql(f"select customer_id, cluster_segment_code from {dbt.this}").df() if dbt.is_incremental else None
    return build_assignments(eligible, runs, previous, float(dbt.config.get("hysteresis_margin")))
