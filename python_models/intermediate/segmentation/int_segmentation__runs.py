"""The segmentation model run table: one row per clustering run, the current one flagged (logic: custseg.segmentation)."""

import pandas as pd

from custseg.segmentation import (
    ClusteringConfig,
    build_run_table,
    catalog_entries,
    reference_segments,
    validate_catalog,
    validate_policy,
)


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        unique_key="run_id",
        incremental_strategy="delete+insert",
        full_refresh=False,
        on_schema_change="fail",
    )
    customer_features = dbt.ref("int_features__customer_features")
    eligible_ids = dbt.ref("int_segmentation__population").filter("is_eligible").project("customer_id")
    policy = dbt.ref("int_segmentation__feature_policy").df()
    features = validate_policy(policy, customer_features.columns, policy.loc[policy["is_pii_tagged"], "feature_name"].tolist())
    config = ClusteringConfig(
        features=features,
        k_min=int(dbt.config.get("k_min")),
        k_max=int(dbt.config.get("k_max")),
        criterion=str(dbt.config.get("k_criterion")),
        algorithm=str(dbt.config.get("algorithm")),
        seed=int(dbt.config.get("seed")),
        minibatch_above=int(dbt.config.get("minibatch_above")),
        min_segment_share=float(dbt.config.get("min_segment_share")),
        k_stability_margin=float(dbt.config.get("k_stability_margin")),
        min_feature_coverage=float(dbt.config.get("min_feature_coverage")),
        profile_tolerance=float(dbt.config.get("profile_tolerance")),
        profile_min_coverage=float(dbt.config.get("profile_min_coverage")),
    )
    described = [d.name for d in config.descriptive if d.name in customer_features.columns and d.name not in config.feature_names]
    eligible = customer_features.join(eligible_ids, "customer_id").project(", ".join(["customer_id", *config.feature_names, *described])).df()
    as_of_date = dbt.ref("int_features__as_of_date").df()["as_of_date"].iloc[0]
    catalog_frame = dbt.ref("segment_catalog").df()
    catalog = catalog_entries(catalog_frame)
    validate_catalog(catalog, customer_features.columns)
    history = session.sql(f"select * from {dbt.this}").df() if dbt.is_incremental else None
    crosswalk = dbt.ref("int_identity__crosswalk").project("customer_id, source_system, source_record_id")
    labels = dbt.config.get("reference_labels")
    reference = reference_segments(labels, crosswalk.df()) if labels not in (None, "", "None") else None
    churn_auc = dbt.ref("int_features__churn_propensity").project("max(churn_model_auc_out_of_time) as auc").df()["auc"].iloc[0]
    return build_run_table(
        eligible, config, catalog, str(as_of_date), history, pd.Timestamp.now().floor("s"), reference,
        None if pd.isna(churn_auc) else float(churn_auc), catalog_frame["segment_name"].dropna().tolist(),
    )
