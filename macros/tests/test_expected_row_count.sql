{% test expected_row_count(model, expected, where=none) %}
    {#- The model (or its rows matching `where`) has exactly `expected` rows; fails with one row saying how many it has. -#}

with

counted as (
    select count(*) as actual_rows
    from {{ model }}
    {%- if where is not none %}
    where {{ where }}
    {%- endif %}
),

validation_errors as (
    select
        actual_rows,
        {{ expected }} as expected_rows
    from counted
    where actual_rows != {{ expected }}
)

select * from validation_errors

{% endtest %}
