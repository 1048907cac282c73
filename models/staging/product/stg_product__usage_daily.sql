with

usage_days as (
    select * from {{ ref('base_product__usage_daily') }}
),

final as (
    select
        -- ids
        usage_day_id,
        crm_customer_id,

        -- numerics
        sessions,
        active_users,
        events,
        features_used,
        minutes_active,

        -- dates
        usage_date
    from usage_days
    where rejection_reason is null
)

select * from final
