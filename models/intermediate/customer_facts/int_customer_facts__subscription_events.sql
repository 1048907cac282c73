-- Subscription events by customer, recurring revenue in US dollars per month.
with

resolved as (
    select * from {{ ref('int_customer_facts__subscription_events_resolved') }}
),

final as (
    select
        event_id,
        subscription_id,
        customer_id,
        erp_customer_id,
        event_type,
        plan_code,
        currency_code,
        round(mrr_before * usd_per_unit, 2) as mrr_before_usd,
        round(mrr_after * usd_per_unit, 2) as mrr_after_usd,
        round((mrr_after - mrr_before) * usd_per_unit, 2) as mrr_change_usd,
        event_at
    from resolved
    where rejection_reason is null
)

select * from final
