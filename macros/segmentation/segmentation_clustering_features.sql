{% macro segmentation_clustering_features() %}
    {#-
        Names of the candidate features the policy seed marks use_for_clustering (read when the project
        runs; an empty list while the seed is not loaded). The clustering run decides which of them it
        uses; eligibility checks each candidate against the run's required features, so that a customer
        missing one falls back with the feature named.
    -#}
    {%- set seed = load_relation(ref('segmentation_feature_policy')) if execute else none -%}
    {%- if seed is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set rows = run_query(
        "select feature_name from " ~ seed
        ~ " where use_for_clustering order by feature_name"
    ) -%}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}
