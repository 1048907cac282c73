{% test row_count_matches(model, compare_model, where=none, compare_where=none) %}
    {#- The model has as many rows as compare_model (each optionally filtered): nothing lost or duplicated
        between two models of the same grain, e.g. one assignment per golden customer. -#}
    {%- if compare_model is none -%}
        {{ exceptions.raise_compiler_error(
            "row_count_matches on " ~ model ~ ": give compare_model, e.g. compare_model: ref('dim_customers')."
        ) }}
    {%- endif %}

with

model_rows as (
    select count(*) as row_count
    from {{ model }}
    {%- if where is not none %}
    where {{ where }}
    {%- endif %}
),

compare_rows as (
    select count(*) as row_count
    from {{ compare_model }}
    {%- if compare_where is not none %}
    where {{ compare_where }}
    {%- endif %}
),

validation_errors as (
    select
        model_rows.row_count as model_row_count,
        compare_rows.row_count as compare_model_row_count
    from model_rows
    cross join compare_rows
    where model_rows.row_count != compare_rows.row_count
)

select * from validation_errors

{% endtest %}
