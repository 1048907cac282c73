-- Support tickets by customer, with what each cost to handle (rates from the service_cost_rates seed).
with

resolved as (
    select * from {{ ref('int_customer_facts__tickets_resolved') }}
),

service_cost_rates as (
    select * from {{ ref('service_cost_rates') }}
),

channel_rates as (
    select * from service_cost_rates
    where support_channel != '*'
),

default_rate as (
    select * from service_cost_rates
    where support_channel = '*'
),

final as (
    select
        resolved.ticket_id,
        resolved.customer_id,
        resolved.crm_customer_id,
        resolved.priority,
        resolved.channel,
        resolved.category,
        resolved.ticket_status,
        resolved.handling_minutes,
        resolved.csat_score,
        resolved.first_response_minutes,
        resolved.resolution_hours,
        -- A ticket without recorded handling time still costs its per-ticket rate.
        round(
            coalesce(resolved.handling_minutes, 0) / 60.0
            * coalesce(channel_rates.cost_per_handling_hour_usd, default_rate.cost_per_handling_hour_usd)
            + coalesce(channel_rates.cost_per_ticket_usd, default_rate.cost_per_ticket_usd),
            2
        ) as cost_to_serve_usd,
        resolved.is_resolved,
        resolved.created_at,
        resolved.first_response_at,
        resolved.resolved_at
    from resolved
    left join channel_rates
        on resolved.channel = channel_rates.support_channel
    left join default_rate
        on true
    where resolved.rejection_reason is null
)

select * from final
