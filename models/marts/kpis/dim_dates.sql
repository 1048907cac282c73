-- One row per day over the fiscal calendar (whole fiscal years around the facts), with the fiscal period
-- the day falls in and calendar helpers for BI. Also MetricFlow's time spine (date_day), so the semantic
-- layer covers the same days as the KPIs.
with

fiscal_periods as (
    select * from {{ ref('int_kpis__fiscal_calendar') }}
),

calendar_bounds as (
    select
        min(period_start_date) as first_date,
        max(period_end_date) as last_date
    from fiscal_periods
),

days as (
    select cast(generated.generate_series as date) as date_day
    from calendar_bounds
    cross join generate_series(calendar_bounds.first_date, calendar_bounds.last_date, interval 1 day) as generated
),

final as (
    select
        days.date_day,
        fiscal_periods.fiscal_period,
        fiscal_periods.fiscal_year,
        fiscal_periods.fiscal_quarter,
        fiscal_periods.fiscal_period_number,
        fiscal_periods.period_start_date as fiscal_period_start_date,
        fiscal_periods.period_end_date as fiscal_period_end_date,
        cast(days.date_day - fiscal_periods.period_start_date + 1 as integer) as day_of_fiscal_period,
        cast(year(days.date_day) as integer) as calendar_year,
        cast(quarter(days.date_day) as integer) as calendar_quarter,
        cast(month(days.date_day) as integer) as calendar_month,
        strftime(days.date_day, '%B') as month_name,
        cast(date_trunc('week', days.date_day) as date) as week_start_date,
        cast(date_trunc('month', days.date_day) as date) as month_start_date,
        cast(date_trunc('quarter', days.date_day) as date) as quarter_start_date,
        cast(date_trunc('year', days.date_day) as date) as year_start_date,
        cast(isodow(days.date_day) as integer) as iso_day_of_week,
        strftime(days.date_day, '%A') as day_name,
        isodow(days.date_day) in (6, 7) as is_weekend,
        days.date_day = fiscal_periods.period_end_date as is_fiscal_period_end
    from days
    left join fiscal_periods
        on days.date_day between fiscal_periods.period_start_date and fiscal_periods.period_end_date
)

select * from final
