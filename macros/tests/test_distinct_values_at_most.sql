{% test distinct_values_at_most(model, column_name, maximum, where=none) %}
    {#- The column holds at most `maximum` distinct values (among rows matching `where`), e.g. at most six cluster segments. -#}

with

counted as (
    select count(distinct {{ column_name }}) as distinct_values
    from {{ model }}
    {%- if where is not none %}
    where {{ where }}
    {%- endif %}
),

validation_errors as (
    select
        distinct_values,
        {{ maximum }} as maximum_allowed
    from counted
    where distinct_values > {{ maximum }}
)

select * from validation_errors

{% endtest %}
