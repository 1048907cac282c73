{% test fiscal_periods_are_contiguous(model, start_column='period_start_date', end_column='period_end_date') %}
    {#- Periods tile time: each starts the day after the previous one ends, and none ends before it starts. -#}

with

ordered_periods as (
    select
        {{ start_column }} as period_start_date,
        {{ end_column }} as period_end_date,
        lag({{ end_column }}) over (order by {{ start_column }}) as previous_period_end_date
    from {{ model }}
),

validation_errors as (
    select *
    from ordered_periods
    where
        period_end_date < period_start_date
        or (previous_period_end_date is not null and period_start_date != previous_period_end_date + 1)
)

select * from validation_errors

{% endtest %}
