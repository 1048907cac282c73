-- Version 1 of the assignment mart: every column of the assignment, decided_by included.
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
        decided_by,
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
