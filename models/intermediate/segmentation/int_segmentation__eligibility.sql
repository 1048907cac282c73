-- depends_on: {{ ref('segmentation_feature_policy') }}
-- Which customers clustering may place, and why the others go to the fallback segment (first reason
-- that applies, in this order).
{%- set clustering_features = segmentation_clustering_features() %}
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
            {%- if clustering_features %}
            when
                {%- for feature in clustering_features %}
                {{ feature }} is null{% if not loop.last %} or{% endif %}
                {%- endfor %}
                then 'missing_clustering_feature'
            {%- endif %}
        end as fallback_reason
    from customer_features
),

final as (
    select
        customer_id,
        as_of_date,
        fallback_reason,
        fallback_reason is null as is_clusterable
    from judged
)

select * from final
