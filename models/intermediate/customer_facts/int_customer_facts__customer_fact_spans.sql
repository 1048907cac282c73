-- The first and last day each customer has any attributed fact (invoice, subscription event, ticket,
-- product use, survey answer): where the as-of date, the reported periods and each customer's
-- periods start and end.
with

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
        customer_id,
        invoice_date as fact_date
    from invoices
    union all
    select
        customer_id,
        cast(event_at as date) as fact_date
    from subscription_events
    union all
    select
        customer_id,
        cast(created_at as date) as fact_date
    from tickets
    union all
    select
        customer_id,
        usage_date as fact_date
    from usage_days
    union all
    select
        customer_id,
        cast(responded_at as date) as fact_date
    from nps_responses
),

final as (
    select
        customer_id,
        min(fact_date) as first_fact_date,
        max(fact_date) as last_fact_date
    from fact_dates
    group by customer_id
)

select * from final
