-- Version 2 of the assignment mart: version 1 without decided_by, whose values mix override ids,
-- rule ids, run ids and fallback reasons; override_id, segment_rule_id, model_version and
-- fallback_reason say the same in columns of one kind each.
with

assignments as (
    select * from {{ ref('int_segmentation__assignments') }}
),

final as (
    select
        customer_id,
        segment_code,
        segment_name,
        service_model,
        sla_tier,
        assignment_source,
        override_id,
        segment_rule_id,
        fallback_reason,
        fallback_feature,
        cluster_segment_code,
        is_held_by_hysteresis,
        value_tier,
        value_tier_rule_id,
        lifecycle_stage,
        lifecycle_stage_rule_id,
        is_in_small_segment,
        model_version,
        as_of_date
    from assignments
)

select * from final
