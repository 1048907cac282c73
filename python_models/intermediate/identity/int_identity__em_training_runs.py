"""How the match model was trained: one row per EM pass and one for the prior (logic: custseg.identity_em)."""

from custseg.identity_em import train_from_relations


def model(dbt, session):
    dbt.config(materialized="table")
    return train_from_relations(
        dbt.ref("int_identity__comparison_levels"),
        dbt.ref("int_identity__training_rules"),
        dbt.ref("int_identity__comparison_patterns"),
        dbt.ref("int_identity__random_pair_comparisons"),
        dbt.ref("int_identity__comparable_records"),
        dbt.config.get("max_iterations"),
        dbt.config.get("tolerance"),
    ).runs
