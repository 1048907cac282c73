-- Product engagement per customer up to the as-of date: active days, sessions, feature adoption.
with

usage_days as (
    select * from {{ ref('int_customer_facts__usage_days') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

-- A customer with several product accounts is active on a day if any of them is.
customer_days as (
    select
        usage_days.customer_id,
        usage_days.usage_date,
        as_of_date.as_of_date - usage_days.usage_date as days_before_as_of,
        sum(usage_days.sessions) as sessions,
        sum(usage_days.minutes_active) as minutes_active,
        max(usage_days.features_used) as features_used
    from usage_days
    inner join as_of_date
        on usage_days.usage_date <= as_of_date.as_of_date
    group by usage_days.customer_id, usage_days.usage_date, as_of_date.as_of_date
),

final as (
    select
        customer_id,
        count(*) filter (where days_before_as_of < 90) as active_days_90d,
        count(*) filter (where days_before_as_of < 365) as active_days_365d,
        coalesce(sum(sessions) filter (where days_before_as_of < 90), 0) as sessions_90d,
        round(coalesce(sum(minutes_active) filter (where days_before_as_of < 90), 0), 1) as minutes_active_90d,
        -- Adoption: the widest use of the product on an active day in the last 365 days, as a share of its features.
        round(
            coalesce(max(features_used) filter (where days_before_as_of < 365), 0)
            / {{ var('product_feature_count') }},
            4
        ) as feature_adoption_rate,
        min(usage_date) as first_active_date,
        max(usage_date) as last_active_date
    from customer_days
    group by customer_id
)

select * from final
