{% macro segmentation_clustering_features() %}
    {#-
        Names of the features the policy seed marks use_for_clustering (read when the project runs;
        an empty list while the seed is not loaded). The clustering model validates them; SQL uses the list to send
        customers missing one of them to the fallback segment.
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
