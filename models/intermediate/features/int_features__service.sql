-- Support load per customer over the 365 days up to the as-of date: tickets, handling time, what
-- serving the customer cost, and satisfaction with resolved tickets (CSAT).
with

tickets as (
    select * from {{ ref('int_customer_facts__tickets') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

observed_tickets as (
    select tickets.*
    from tickets
    inner join as_of_date
        on
            cast(tickets.created_at as date) <= as_of_date.as_of_date
            and cast(tickets.created_at as date) > as_of_date.as_of_date - 365
),

final as (
    select
        customer_id,
        count(*) as ticket_count_365d,
        count(*) filter (where priority in ('high', 'urgent')) as urgent_ticket_count_365d,
        round(coalesce(sum(handling_minutes), 0), 1) as handling_minutes_365d,
        round(sum(cost_to_serve_usd), 2) as cost_to_serve_365d_usd,
        count(csat_score) as csat_response_count_365d,
        round(avg(csat_score), 2) as csat_average_365d
    from observed_tickets
    group by customer_id
)

select * from final
