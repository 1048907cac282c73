{% test value_share_at_least(model, column_name, min_share) %}
    {#- Every non-null value of the column holds at least `min_share` (0..1) of the rows that have one, e.g.
        no cluster segment too small to act on. Fails with one row per value below it. -#}
    {%- if min_share is none or min_share | float <= 0 or min_share | float >= 1 -%}
        {{ exceptions.raise_compiler_error(
            "value_share_at_least on " ~ model ~ "." ~ column_name ~ ": min_share must lie strictly between 0 and 1, got " ~ min_share ~ "."
        ) }}
    {%- endif %}

with

value_counts as (
    select
        {{ column_name }} as column_value,
        count(*) as row_count,
        count(*) / sum(count(*)) over () as row_share
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}
),

validation_errors as (
    select *
    from value_counts
    where row_share < {{ min_share }}
)

select * from validation_errors

{% endtest %}
