-- Data stewards' must-link and cannot-link decisions (seed identity_link_decisions), keyed like the
-- party records and with each pair in one orientation (smaller key on the left).
with

decisions as (
    select * from {{ ref('identity_link_decisions') }}
),

keyed as (
    select
        lower(trim(decision)) as decision,
        lower(trim(left_source_system)) || ':' || trim(left_source_record_id) as first_record_key,
        lower(trim(right_source_system)) || ':' || trim(right_source_record_id) as second_record_key,
        decided_by,
        decided_on,
        reason
    from decisions
),

final as (
    select
        decision,
        least(first_record_key, second_record_key) as left_record_key,
        greatest(first_record_key, second_record_key) as right_record_key,
        decided_by,
        decided_on,
        reason
    from keyed
)

select * from final
