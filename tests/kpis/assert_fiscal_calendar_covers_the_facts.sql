-- Every attributed fact up to the as-of date falls in a period of the fiscal calendar: a fact outside
-- it would count in no KPI. Fails with one row per kind of fact outside, its message saying how many
-- there are, which dates they span and what the calendar covers.
-- Failures are stored: dbt prints the query that lists them, with their messages.
{{ config(store_failures=true) }}

with

fiscal_calendar as (
    select * from {{ ref('int_kpis__fiscal_calendar') }}
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

fact_dates as (
    select
        'invoices' as fact_kind,
        invoice_date as fact_date
    from invoices
    union all
    select
        'subscription events' as fact_kind,
        cast(event_at as date) as fact_date
    from subscription_events
    union all
    select
        'tickets' as fact_kind,
        cast(created_at as date) as fact_date
    from tickets
    union all
    select
        'days of product use' as fact_kind,
        usage_date as fact_date
    from usage_days
    union all
    select
        'survey answers' as fact_kind,
        cast(responded_at as date) as fact_date
    from nps_responses
),

-- Facts counted by day first: the calendar lookup then runs once per day, not once per fact.
fact_days as (
    select
        fact_kind,
        fact_date,
        count(*) as fact_count
    from fact_dates
    group by fact_kind, fact_date
),

calendar_extent as (
    select
        min(period_start_date) as first_date,
        max(period_end_date) as last_date,
        coalesce(min(calendar_source), 'no periods') as calendar_source
    from fiscal_calendar
),

uncovered_facts as (
    select
        fact_days.fact_kind,
        sum(fact_days.fact_count) as fact_count,
        min(fact_days.fact_date) as first_fact_date,
        max(fact_days.fact_date) as last_fact_date
    from fact_days
    cross join as_of_date
    left join fiscal_calendar
        on fact_days.fact_date between fiscal_calendar.period_start_date and fiscal_calendar.period_end_date
    where fact_days.fact_date <= as_of_date.as_of_date and fiscal_calendar.fiscal_period is null
    group by fact_days.fact_kind
),

validation_errors as (
    select
        uncovered_facts.fact_kind,
        uncovered_facts.fact_count,
        uncovered_facts.first_fact_date,
        uncovered_facts.last_fact_date,
        calendar_extent.first_date as calendar_first_date,
        calendar_extent.last_date as calendar_last_date,
        uncovered_facts.fact_count || ' ' || uncovered_facts.fact_kind || ' dated outside the fiscal calendar ('
        || uncovered_facts.first_fact_date || ' to ' || uncovered_facts.last_fact_date || '): the calendar ('
        || calendar_extent.calendar_source || ') '
        || coalesce('runs from ' || calendar_extent.first_date || ' to ' || calendar_extent.last_date, 'has no periods')
        || '. Add the missing periods to seed fiscal_calendar, or empty it (keep its header) to generate the'
        || ' calendar for the years of the data.' as message
    from uncovered_facts
    cross join calendar_extent
)

select * from validation_errors
