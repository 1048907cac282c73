-- Every staged product-usage day with the customer it resolves to, or why it cannot be used.
with

usage_days as (
    select * from {{ ref('stg_product__usage_daily') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

final as (
    select
        usage_days.usage_day_id,
        usage_days.crm_customer_id,
        crosswalk.customer_id,
        usage_days.sessions,
        usage_days.active_users,
        usage_days.events,
        usage_days.features_used,
        usage_days.minutes_active,
        usage_days.usage_date,
        case
            when crosswalk.customer_id is null then 'unknown_customer_reference'
        end as rejection_reason
    from usage_days
    left join crosswalk
        on
            usage_days.crm_customer_id = crosswalk.source_record_id
            and crosswalk.source_system = 'crm'
)

select * from final
