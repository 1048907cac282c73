{% test in_range(model, column_name, min_value=none, max_value=none, min_exclusive=false, max_exclusive=false) %}
    {#- Every non-null value lies within [min_value, max_value] (either bound may be left out; exclusive on request). -#}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error(
            "in_range on " ~ model ~ "." ~ column_name ~ ": give min_value, max_value or both."
        ) }}
    {%- endif %}

with

validation_errors as (
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %}
            or {{ column_name }} {{ '<=' if min_exclusive else '<' }} {{ min_value }}
            {%- endif %}
            {%- if max_value is not none %}
            or {{ column_name }} {{ '>=' if max_exclusive else '>' }} {{ max_value }}
            {%- endif %}
        )
)

select * from validation_errors

{% endtest %}
