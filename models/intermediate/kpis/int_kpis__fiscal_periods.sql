-- The fiscal periods KPIs report on: from the period of the earliest customer fact to the period
-- holding the as-of date. The last one is partial when the as-of date falls before its end.
with

fiscal_calendar as (
    select * from {{ ref('int_kpis__fiscal_calendar') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

final as (
    select
        fiscal_calendar.fiscal_period,
        fiscal_calendar.fiscal_year,
        fiscal_calendar.fiscal_quarter,
        fiscal_calendar.fiscal_period_number,
        fiscal_calendar.period_start_date,
        fiscal_calendar.period_end_date,
        -- Facts are counted up to the as-of date, never after it.
        least(fiscal_calendar.period_end_date, as_of_date.as_of_date) as reported_through_date,
        fiscal_calendar.period_end_date <= as_of_date.as_of_date as is_period_complete,
        row_number() over (order by fiscal_calendar.period_start_date) as period_ordinal,
        as_of_date.as_of_date
    from fiscal_calendar
    cross join as_of_date
    where
        fiscal_calendar.period_end_date >= as_of_date.first_fact_date
        and fiscal_calendar.period_start_date <= as_of_date.as_of_date
)

select * from final
