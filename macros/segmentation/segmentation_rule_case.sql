{% macro segmentation_rule_case(dimension, returns='outcome') %}
    {#-
        A CASE expression over the features that gives, for one dimension of the segmentation_rules
        seed (segment, value_tier or lifecycle_stage), the outcome (returns='outcome') or the rule id
        (returns='rule_id') of the first rule a customer meets in priority order (lowest number first).
        Rules are read when the project runs (null while the seed is not loaded); each condition is SQL over int_features__customer_features.
    -#}
    {%- set seed = load_relation(ref('segmentation_rules')) if execute else none -%}
    {%- if seed is none -%}
        {{ return('cast(null as varchar)') }}
    {%- endif -%}
    {%- set rows = run_query(
        "select rule_id, outcome, condition_sql from " ~ seed
        ~ " where dimension = '" ~ dimension ~ "' order by priority, rule_id"
    ) -%}
    {%- if rows | length == 0 -%}
        {{ return('cast(null as varchar)') }}
    {%- endif -%}
    case
    {%- for rule_id, outcome, condition_sql in rows %}
        when coalesce(({{ condition_sql }}), false) then '{{ rule_id if returns == "rule_id" else outcome }}'  -- {{ rule_id }}
    {%- endfor %}
    end
{% endmacro %}
