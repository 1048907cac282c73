-- Product-usage days by customer (a customer with several product accounts has one row per account and day).
with

resolved as (
    select * from {{ ref('int_customer_facts__usage_days_resolved') }}
),

final as (
    select
        usage_day_id,
        customer_id,
        crm_customer_id,
        sessions,
        active_users,
        events,
        features_used,
        minutes_active,
        usage_date
    from resolved
    where rejection_reason is null
)

select * from final
