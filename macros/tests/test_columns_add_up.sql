{% test columns_add_up(model, total, parts) %}
    {#- Every row: total = sum of parts (e.g. rows in = rows staged + rows quarantined). -#}
    {%- if parts is string or parts | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "columns_add_up on " ~ model ~ ": `parts` must be a non-empty list of column names, e.g. [rows_staged, rows_quarantined]."
        ) }}
    {%- endif %}

with

validation_errors as (
    select *
    from {{ model }}
    where {{ total }} != {{ parts | join(' + ') }}
)

select * from validation_errors

{% endtest %}
