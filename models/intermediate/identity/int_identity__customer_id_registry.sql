{{
    config(
        materialized='incremental',
        unique_key='customer_id',
        incremental_strategy='delete+insert',
        full_refresh=false,
        on_schema_change='fail'
    )
}}
-- The persistent register of customer ids, one row per id ever issued. It is never rebuilt from
-- scratch (full_refresh=false): each build reads the previous state and writes only what changed.
--   * Each current cluster keeps the id its records had: an id is claimed by the cluster holding most
--     of its records (ties: the smaller cluster key), so when a cluster splits the larger part keeps it.
--   * A cluster claiming several ids (clusters merged) keeps the oldest (lowest number); the others
--     become 'merged' with merged_into_customer_id.
--   * A cluster claiming none gets a new id, numbered after the highest issued, in cluster-key order;
--     split_from_customer_id names the id most of its records had before, if any.
--   * An id none of whose records is left in the sources becomes 'retired'.
with

clusters as (
    select * from {{ ref('int_identity__clusters') }}
),

previous_registry as (
    {%- if is_incremental() %}
    select * from {{ this }}
    {%- else %}
        select
            null::varchar as customer_id,
            null::varchar as id_status,
            null::varchar as merged_into_customer_id,
            null::varchar as split_from_customer_id,
            null::varchar as anchor_record_key,
            null::varchar[] as member_record_keys,
            null::bigint as member_count,
            null::timestamp as issued_at,
            null::timestamp as status_changed_at,
            null::varchar as changed_by_invocation_id
        where false
    {%- endif %}
),

previous_members as (
    select
        customer_id,
        unnest(member_record_keys) as source_record_key
    from previous_registry
    where id_status = 'active'
),

record_overlaps as (
    select
        clusters.cluster_key,
        previous_members.customer_id,
        count(*) as shared_records
    from clusters
    inner join previous_members
        on clusters.source_record_key = previous_members.source_record_key
    group by clusters.cluster_key, previous_members.customer_id
),

claims as (
    select
        *,
        row_number() over (partition by customer_id order by shared_records desc, cluster_key asc) as claim_rank,
        row_number() over (partition by cluster_key order by shared_records desc, customer_id asc) as origin_rank
    from record_overlaps
),

surviving_ids as (
    select
        cluster_key,
        min(customer_id) as customer_id
    from claims
    where claim_rank = 1
    group by cluster_key
),

cluster_members as (
    select
        cluster_key,
        list(source_record_key order by source_record_key) as member_record_keys,
        count(*) as member_count
    from clusters
    group by cluster_key
),

highest_issued as (
    select coalesce(max((substr(customer_id, 5))::bigint), 0) as highest_number
    from previous_registry
),

new_ids as (
    select
        cluster_members.cluster_key,
        'CUST'
        || lpad(
            (highest_issued.highest_number + row_number() over (order by cluster_members.cluster_key))::varchar, 9, '0'
        ) as customer_id
    from cluster_members
    cross join highest_issued
    where cluster_members.cluster_key not in (select surviving_ids.cluster_key from surviving_ids)
),

active_ids as (
    select
        coalesce(surviving_ids.customer_id, new_ids.customer_id) as customer_id,
        'active' as id_status,
        null::varchar as merged_into_customer_id,
        case
            when surviving_ids.customer_id is not null then previous_registry.split_from_customer_id
            else origins.customer_id
        end as split_from_customer_id,
        cluster_members.cluster_key as anchor_record_key,
        cluster_members.member_record_keys,
        cluster_members.member_count,
        coalesce(previous_registry.issued_at, current_timestamp::timestamp) as issued_at
    from cluster_members
    left join surviving_ids
        on cluster_members.cluster_key = surviving_ids.cluster_key
    left join new_ids
        on cluster_members.cluster_key = new_ids.cluster_key
    left join previous_registry
        on surviving_ids.customer_id = previous_registry.customer_id
    left join claims as origins
        on cluster_members.cluster_key = origins.cluster_key and origins.origin_rank = 1
),

ended_ids as (
    select
        previous_registry.customer_id,
        case when surviving_ids.customer_id is not null then 'merged' else 'retired' end as id_status,
        surviving_ids.customer_id as merged_into_customer_id,
        previous_registry.split_from_customer_id,
        previous_registry.anchor_record_key,
        previous_registry.member_record_keys,
        previous_registry.member_count,
        previous_registry.issued_at
    from previous_registry
    left join claims
        on previous_registry.customer_id = claims.customer_id and claims.claim_rank = 1
    left join surviving_ids
        on claims.cluster_key = surviving_ids.cluster_key
    where
        previous_registry.id_status = 'active'
        and previous_registry.customer_id not in (select active_ids.customer_id from active_ids)
),

current_state as (
    select * from active_ids
    union all
    select * from ended_ids
),

final as (
    select
        current_state.customer_id,
        current_state.id_status,
        current_state.merged_into_customer_id,
        current_state.split_from_customer_id,
        current_state.anchor_record_key,
        current_state.member_record_keys,
        current_state.member_count,
        current_state.issued_at,
        current_timestamp::timestamp as status_changed_at,
        '{{ invocation_id }}' as changed_by_invocation_id
    from current_state
    left join previous_registry
        on current_state.customer_id = previous_registry.customer_id
    -- Only what changed is written; an unchanged id keeps its row (and its timestamps).
    where
        previous_registry.customer_id is null
        or current_state.id_status is distinct from previous_registry.id_status
        or current_state.merged_into_customer_id is distinct from previous_registry.merged_into_customer_id
        or current_state.split_from_customer_id is distinct from previous_registry.split_from_customer_id
        or current_state.member_record_keys is distinct from previous_registry.member_record_keys
)

select * from final
