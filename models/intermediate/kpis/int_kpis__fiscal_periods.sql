-- The fiscal periods KPIs report on: from the period of the earliest customer fact to the period
-- holding the as-of date. The last one is partial when the as-of date falls before its end.
with

fiscal_calendar as (
    select * from {{ ref('fiscal_calendar') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

invoices as (
    select * from {{ ref('int_customer_facts__invoices') }}
),

subscription_events as (
    select * from {{ ref('int_customer_facts__subscription_events') }}
),

tickets as (
    select * from {{ ref('int_customer_facts__tickets') }}
),

usage_days as (
    select * from {{ ref('int_customer_facts__usage_days') }}
),

nps_responses as (
    select * from {{ ref('int_customer_facts__nps_responses') }}
),

earliest_fact_dates as (
    select min(invoice_date) as earliest_date from invoices
    union all
    select min(cast(event_at as date)) as earliest_date from subscription_events
    union all
    select min(cast(created_at as date)) as earliest_date from tickets
    union all
    select min(usage_date) as earliest_date from usage_days
    union all
    select min(cast(responded_at as date)) as earliest_date from nps_responses
),

reporting_window as (
    select
        min(earliest_fact_dates.earliest_date) as first_fact_date,
        as_of_date.as_of_date
    from earliest_fact_dates
    cross join as_of_date
    group by as_of_date.as_of_date
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
        least(fiscal_calendar.period_end_date, reporting_window.as_of_date) as reported_through_date,
        fiscal_calendar.period_end_date <= reporting_window.as_of_date as is_period_complete,
        row_number() over (order by fiscal_calendar.period_start_date) as period_ordinal,
        reporting_window.as_of_date
    from fiscal_calendar
    cross join reporting_window
    where
        fiscal_calendar.period_end_date >= reporting_window.first_fact_date
        and fiscal_calendar.period_start_date <= reporting_window.as_of_date
)

select * from final
