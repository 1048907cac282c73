-- Every staged product-usage day with the customer it resolves to, or why it cannot be used.
with

usage_days as (
    select * from {{ ref('stg_product__usage_daily') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

crm_customers as (
    select
        source_record_id as crm_customer_id,
        customer_id
    from crosswalk
    where source_system = 'crm'
),

final as (
    select
        usage_days.usage_day_id,
        usage_days.crm_customer_id,
        crm_customers.customer_id,
        usage_days.sessions,
        usage_days.active_users,
        usage_days.events,
        usage_days.features_used,
        usage_days.minutes_active,
        usage_days.usage_date,
        case
            when crm_customers.customer_id is null then 'unknown_customer_reference'
        end as rejection_reason
    from usage_days
    left join crm_customers
        on usage_days.crm_customer_id = crm_customers.crm_customer_id
)

select * from final
