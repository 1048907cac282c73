-- Record pairs drawn at random (deterministically, by a hash of the record key) within each party
-- type, compared like the candidate pairs. Nearly all are non-matches, so their level shares estimate
-- the u probabilities: how often two unrelated records agree by chance.
with

records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

shuffled as (
    select
        source_record_key,
        coalesce(party_type, 'unknown') as party_type_key,
        row_number() over (
            partition by coalesce(party_type, 'unknown') order by hash(source_record_key), source_record_key
        ) - 1 as draw_order,
        count(*) over (partition by coalesce(party_type, 'unknown')) as records_of_type
    from records
),

first_draws as (
    -- Each of the first draws is paired with the record half a shuffle away.
    select
        source_record_key,
        party_type_key,
        (draw_order + records_of_type // 2) % records_of_type as partner_order
    from shuffled
    where draw_order < {{ var('identity_random_pairs') }} and records_of_type > 1
),

drawn_pairs as (
    select
        first_draws.source_record_key as first_record_key,
        second_draws.source_record_key as second_record_key
    from first_draws
    inner join shuffled as second_draws
        on
            first_draws.party_type_key = second_draws.party_type_key
            and first_draws.partner_order = second_draws.draw_order
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
