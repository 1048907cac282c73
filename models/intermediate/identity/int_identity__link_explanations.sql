-- Why two records are the same customer (or were kept apart): every pair a link was proposed for,
-- with the shared identifiers, the level and weight of each field comparison, and what became of it.
with

scored_pairs as (
    select * from {{ ref('int_identity__scored_pairs') }}
),

clusters as (
    select * from {{ ref('int_identity__clusters') }}
),

final as (
    select
        scored_pairs.left_record_key,
        scored_pairs.right_record_key,
        scored_pairs.decision,
        scored_pairs.link_rule,
        case
            when scored_pairs.decision <> 'linked' then 'not_linked'
            when left_clusters.cluster_key = right_clusters.cluster_key then 'same_customer'
            -- A link refused by the cluster guards: a cannot-link or the size limit.
            else coalesce('refused_' || coalesce(left_clusters.review_reason, right_clusters.review_reason), 'refused')
        end as outcome,
        scored_pairs.shared_identifiers,
        scored_pairs.blocking_rules,
        scored_pairs.match_weight,
        scored_pairs.match_probability,
        scored_pairs.prior_weight,
        {%- for comparison in identity_comparisons() %}
            scored_pairs.{{ comparison["name"] }}_level,
            scored_pairs.{{ comparison["name"] }}_weight,
        {%- endfor %}
        -- The evidence in words, strongest first: what a steward reads.
        array_to_string(list_transform(
            list_sort(list_filter([
                {%- for comparison in identity_comparisons() %}
                    {
                        'weight': scored_pairs.{{ comparison["name"] }}_weight,
                        'comparison': '{{ comparison["name"] }}',
                        'level': scored_pairs.{{ comparison["name"] }}_level
                    }{{ ',' if not loop.last }}
                {%- endfor %}
            ], lambda evidence: evidence.level >= 0), 'DESC'),  -- noqa: RF01
            lambda evidence: evidence.comparison  -- noqa: RF01
            || ' level '
            || evidence.level  -- noqa: RF01
            || ' ('
            || printf('%+.1f', evidence.weight)  -- noqa: RF01
            || ')'
        ), ', ') as evidence_summary
    from scored_pairs
    left join clusters as left_clusters
        on scored_pairs.left_record_key = left_clusters.source_record_key
    left join clusters as right_clusters
        on scored_pairs.right_record_key = right_clusters.source_record_key
)

select * from final
