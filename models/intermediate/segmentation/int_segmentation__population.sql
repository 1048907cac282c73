-- The customers clustering considers: every check that does not depend on the clustering features,
-- first reason that applies. Which features a run uses is decided on the customers who pass
-- (int_segmentation__runs); int_segmentation__eligibility then adds the missing-feature check.
with

customer_features as (
    select * from {{ ref('int_features__customer_features') }}
),

judged as (
    select
        customer_id,
        as_of_date,
        case
            when not has_purchase_history then 'no_transactions'
            when coalesce(tenure_days < {{ var('segmentation_min_tenure_days') }}, true) then 'new_customer'
            when data_completeness_score < {{ var('segmentation_min_completeness') }} then 'low_data_completeness'
        end as fallback_reason
    from customer_features
),

final as (
    select
        customer_id,
        as_of_date,
        fallback_reason,
        fallback_reason is null as is_eligible
    from judged
)

select * from final
