"""Clusters of linked records, one per real customer (logic: custseg.identity.cluster_records)."""

from custseg.identity import cluster_records


def model(dbt, session):
    dbt.config(materialized="table")
    records = dbt.ref("int_identity__party_records").project("record_number, source_record_key").df()
    links = (
        dbt.ref("int_identity__scored_pairs")
        .filter("decision = 'linked'")
        .project(
            "left_record_number, right_record_number, left_record_key, right_record_key, "
            "link_rule, match_weight, match_probability"
        )
        .df()
    )
    cannot_links = (
        dbt.ref("int_identity__link_decisions")
        .filter("decision = 'cannot_link'")
        .project("left_record_key, right_record_key")
        .df()
    )
    return cluster_records(
        records["source_record_key"],
        links,
        cannot_links,
        max_cluster_size=int(dbt.config.get("max_cluster_size")),
        record_numbers=records["record_number"],
    )
