-- The segment of every customer at the as-of date and what decided it, in priority order: an
-- approved, unexpired manual override; a segment rule; the customer's cluster (with hysteresis);
-- otherwise the fallback segment, with the reason (and the missing clustering feature). Names and
-- service models come from the catalog or, for generated segments, from clustering. The public
-- versions of dim_customer_segments and the snapshot snp_customer_segments read it.
with

eligibility as (
    select * from {{ ref('int_segmentation__eligibility') }}
),

rule_outcomes as (
    select * from {{ ref('int_segmentation__rule_outcomes') }}
),

override_audit as (
    select * from {{ ref('int_segmentation__override_audit') }}
),

cluster_assignments as (
    select * from {{ ref('int_segmentation__cluster_assignments') }}
),

runs as (
    select * from {{ ref('int_segmentation__runs') }}
),

segments as (
    select * from {{ ref('int_segmentation__segments') }}
),

current_run as (
    select run_id
    from runs
    where is_current
),

current_clusters as (
    select cluster_assignments.*
    from cluster_assignments
    inner join current_run
        on cluster_assignments.run_id = current_run.run_id
),

applied_overrides as (
    select
        customer_id,
        override_id,
        segment_code
    from override_audit
    where is_applied
),

fallback_segment as (
    select segment_code
    from segments
    where assignment_source = 'fallback' and retired_on is null
),

sourced as (
    select
        eligibility.customer_id,
        eligibility.as_of_date,
        current_run.run_id as model_version,
        applied_overrides.override_id,
        rule_outcomes.segment_rule_id,
        current_clusters.cluster_segment_code,
        current_clusters.hysteresis_applied,
        current_clusters.previous_segment_code,
        rule_outcomes.value_tier,
        rule_outcomes.value_tier_rule_id,
        rule_outcomes.lifecycle_stage,
        rule_outcomes.lifecycle_stage_rule_id,
        case
            when applied_overrides.override_id is not null then 'override'
            when rule_outcomes.rule_segment_code is not null then 'rule'
            when eligibility.is_clusterable and current_clusters.cluster_segment_code is not null then 'cluster'
            else 'fallback'
        end as assignment_source,
        applied_overrides.segment_code as override_segment_code,
        rule_outcomes.rule_segment_code,
        fallback_segment.segment_code as fallback_segment_code,
        eligibility.fallback_reason as eligibility_fallback_reason,
        eligibility.missing_clustering_feature
    from eligibility
    cross join current_run
    cross join fallback_segment
    left join rule_outcomes
        on eligibility.customer_id = rule_outcomes.customer_id
    left join applied_overrides
        on eligibility.customer_id = applied_overrides.customer_id
    left join current_clusters
        on eligibility.customer_id = current_clusters.customer_id
),

decided as (
    select
        *,
        case assignment_source
            when 'override' then override_segment_code
            when 'rule' then rule_segment_code
            when 'cluster' then cluster_segment_code
            else fallback_segment_code
        end as segment_code,
        case
            when assignment_source = 'fallback' then coalesce(eligibility_fallback_reason, 'not_clustered')
        end as fallback_reason,
        case when assignment_source = 'fallback' then missing_clustering_feature end as fallback_feature
    from sourced
),

segment_sizes as (
    select
        segment_code,
        count(*) / sum(count(*)) over () as customer_share
    from decided
    group by segment_code
),

final as (
    select
        decided.customer_id,
        decided.segment_code,
        segments.segment_name,
        segments.service_model,
        segments.sla_tier,
        decided.assignment_source,
        case decided.assignment_source
            when 'override' then decided.override_id
            when 'rule' then decided.segment_rule_id
            when 'cluster' then decided.model_version
            else decided.fallback_reason
        end as decided_by,
        decided.override_id,
        decided.segment_rule_id,
        decided.fallback_reason,
        decided.fallback_feature,
        decided.cluster_segment_code,
        coalesce(decided.hysteresis_applied, false) as is_held_by_hysteresis,
        decided.value_tier,
        decided.value_tier_rule_id,
        decided.lifecycle_stage,
        decided.lifecycle_stage_rule_id,
        segment_sizes.customer_share < {{ var('segmentation_min_segment_share') }} as is_in_small_segment,
        decided.model_version,
        decided.as_of_date
    from decided
    left join segments
        on decided.segment_code = segments.segment_code
    left join segment_sizes
        on decided.segment_code = segment_sizes.segment_code
)

select * from final
