-- depends_on: {{ ref('segmentation_rules') }}
-- Rule-based tiers per customer: value tier, lifecycle stage, and the rule-assigned segment if any,
-- each from the first rule of the segmentation_rules seed the customer meets (lowest priority number).
with

customer_features as (
    select * from {{ ref('int_features__customer_features') }}
),

final as (
    select
        customer_id,
        as_of_date,
        {{ segmentation_rule_case('segment') }} as rule_segment_code,
        {{ segmentation_rule_case('segment', returns='rule_id') }} as segment_rule_id,
        {{ segmentation_rule_case('value_tier') }} as value_tier,
        {{ segmentation_rule_case('value_tier', returns='rule_id') }} as value_tier_rule_id,
        {{ segmentation_rule_case('lifecycle_stage') }} as lifecycle_stage,
        {{ segmentation_rule_case('lifecycle_stage', returns='rule_id') }} as lifecycle_stage_rule_id
    from customer_features
)

select * from final
