-- Every candidate pair compared field by field: one level per comparison (see identity_comparisons()).
with

candidate_pairs as (
    select * from {{ ref('int_identity__candidate_pairs') }}
),

records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

final as (
    select
        candidate_pairs.left_record_number,
        candidate_pairs.right_record_number,
        left_records.source_record_key as left_record_key,
        right_records.source_record_key as right_record_key,
        candidate_pairs.shared_identifiers,
        candidate_pairs.blocking_rules,
        {{ identity_comparison_levels('left_records', 'right_records') }}
    from candidate_pairs
    inner join records as left_records
        on candidate_pairs.left_record_number = left_records.record_number
    inner join records as right_records
        on candidate_pairs.right_record_number = right_records.record_number
)

select * from final
