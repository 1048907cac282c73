-- Record pairs drawn at random (deterministically, by a hash of the record key) within each party
-- type, compared like the candidate pairs. Nearly all are non-matches, so their level shares estimate
-- the u probabilities: how often two unrelated records agree by chance.
with

records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

shuffled as (
    select
        *,
        row_number() over (partition by party_type order by hash(source_record_key), source_record_key)
        - 1 as draw_order,
        count(*) over (partition by party_type) as records_of_type
    from records
),

drawn_pairs as (
    -- Each of the first draws is paired with the record half a shuffle away.
    select
        first_draw.source_record_key as first_record_key,
        second_draw.source_record_key as second_record_key
    from shuffled as first_draw
    inner join shuffled as second_draw
        on
            first_draw.party_type is not distinct from second_draw.party_type
            and second_draw.draw_order
            = (first_draw.draw_order + first_draw.records_of_type // 2) % first_draw.records_of_type
    where
        first_draw.draw_order < {{ var('identity_random_pairs') }}
        and first_draw.records_of_type > 1
),

final as (
    select
        drawn_pairs.first_record_key,
        drawn_pairs.second_record_key,
        {{ identity_comparison_levels('first_records', 'second_records') }}
    from drawn_pairs
    inner join records as first_records
        on drawn_pairs.first_record_key = first_records.source_record_key
    inner join records as second_records
        on drawn_pairs.second_record_key = second_records.source_record_key
)

select * from final
