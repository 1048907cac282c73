with

events as (
    select * from {{ ref('base_billing__subscription_events') }}
),

final as (
    select
        -- ids
        event_id,
        subscription_id,
        erp_customer_id,

        -- strings
        event_type,
        plan_code,
        currency_code,

        -- numerics
        mrr_before,
        mrr_after,
        mrr_change,

        -- timestamps
        event_at
    from events
    where rejection_reason is null
)

select * from final
