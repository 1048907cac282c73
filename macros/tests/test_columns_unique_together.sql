{% test columns_unique_together(model, columns) %}
    {#- No two rows share the same combination of values in `columns` (a composite primary key). -#}
    {%- if columns is string or columns | length < 2 -%}
        {{ exceptions.raise_compiler_error(
            "columns_unique_together on " ~ model ~ ": `columns` must list two or more columns; use `unique` for one."
        ) }}
    {%- endif %}

with

validation_errors as (
    select
        {{ columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
)

select * from validation_errors

{% endtest %}
