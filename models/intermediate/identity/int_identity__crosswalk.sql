-- Every source customer record mapped to exactly one customer id, with the link that put it there.
with

clusters as (
    select * from {{ ref('int_identity__clusters') }}
),

party_records as (
    select * from {{ ref('int_identity__party_records') }}
),

customer_id_registry as (
    select * from {{ ref('int_identity__customer_id_registry') }}
),

active_ids as (
    select
        customer_id,
        anchor_record_key
    from customer_id_registry
    where id_status = 'active'
),

final as (
    select
        active_ids.customer_id,
        party_records.source_system,
        party_records.source_record_id,
        clusters.source_record_key,
        -- Typed here: a Python model's all-null columns come out untyped.
        cast(clusters.cluster_size as bigint) as customer_record_count,
        coalesce(
            cast(clusters.link_rule as varchar),
            case when clusters.cluster_size = 1 then 'single_record' else 'anchor_record' end
        ) as link_rule,
        cast(clusters.linked_to_record_key as varchar) as linked_to_record_key,
        cast(clusters.match_weight as double) as match_weight,
        cast(clusters.match_probability as double) as match_probability,
        cast(clusters.review_reason as varchar) as review_reason
    from clusters
    inner join party_records
        on clusters.source_record_key = party_records.source_record_key
    inner join active_ids
        on clusters.cluster_key = active_ids.anchor_record_key
    order by clusters.source_record_key
)

select * from final
