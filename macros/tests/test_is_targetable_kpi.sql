{% test is_targetable_kpi(model, column_name) %}
    {#- Every value names a KPI that fct_kpi_breaches judges (kpi_target_columns()). -#}

with

validation_errors as (
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} not in ('{{ kpi_target_columns() | join("', '") }}')
)

select * from validation_errors

{% endtest %}
