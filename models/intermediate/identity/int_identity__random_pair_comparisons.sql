-- Distinct record pairs drawn at random (deterministically, by hashes) within each party type, as many
-- in all as var identity_random_pairs says (every pair when there are fewer), compared like the
-- candidate pairs.
-- Nearly all are non-matches, so their level shares estimate the u probabilities: how often two
-- unrelated records agree by chance.
with

records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

shuffled as (
    select
        record_number,
        coalesce(party_type, 'unknown') as party_type_key,
        row_number() over (
            partition by coalesce(party_type, 'unknown') order by hash(source_record_key), source_record_key
        ) - 1 as draw_order,
        count(*) over (partition by coalesce(party_type, 'unknown')) as records_of_type
    from records
),

party_types as (
    select
        party_type_key,
        any_value(records_of_type) as records_of_type,
        any_value(records_of_type) * (any_value(records_of_type) - 1) // 2 as possible_pairs
    from shuffled
    group by party_type_key
    having any_value(records_of_type) > 1
),

-- The draws are shared between party types in proportion to the pairs each holds; the type with the
-- most pairs takes what rounding leaves over.
shares as (
    select
        party_type_key,
        records_of_type,
        possible_pairs,
        cast(floor({{ var('identity_random_pairs') }} * possible_pairs / sum(possible_pairs) over ()) as bigint)
            as rounded_share,
        row_number() over (order by possible_pairs desc, party_type_key asc) = 1 as is_largest
    from party_types
),

allotments as (
    select
        party_type_key,
        records_of_type,
        possible_pairs,
        cast(least(
            possible_pairs,
            rounded_share
            + case
                when is_largest then {{ var('identity_random_pairs') }} - sum(rounded_share) over ()
                else 0
            end
        ) as bigint) as pairs_to_draw
    from shares
),

-- Few records (up to four times the pairs to draw): every pair, then a hash-ordered share of them.
all_pairs as (
    select
        first_draws.record_number as first_record_number,
        second_draws.record_number as second_record_number,
        allotments.pairs_to_draw,
        hash(first_draws.record_number, second_draws.record_number) as draw_rank
    from allotments
    inner join shuffled as first_draws
        on allotments.party_type_key = first_draws.party_type_key
    inner join shuffled as second_draws
        on
            first_draws.party_type_key = second_draws.party_type_key
            and first_draws.draw_order < second_draws.draw_order
    where allotments.possible_pairs <= 4 * allotments.pairs_to_draw
    qualify
        row_number()
            over (partition by first_draws.party_type_key order by draw_rank, first_record_number, second_record_number)
        <= allotments.pairs_to_draw
),

-- Many records: two distinct positions per draw, from two hashes of the draw number; half as many draws
-- again as needed, so that enough distinct pairs remain when a pair is drawn twice.
draws as (
    select
        party_type_key,
        records_of_type,
        pairs_to_draw,
        unnest(range(pairs_to_draw + pairs_to_draw // 2 + 100)) as draw_number
    from allotments
    where possible_pairs > 4 * pairs_to_draw
),

draw_positions as (
    select
        party_type_key,
        pairs_to_draw,
        draw_number,
        hash(draw_number, party_type_key, 'first') % records_of_type as first_order,
        hash(draw_number, party_type_key, 'second') % (records_of_type - 1) as second_offset
    from draws
),

sampled_draws as (
    select
        draw_positions.party_type_key,
        draw_positions.pairs_to_draw,
        draw_positions.draw_number,
        least(first_draws.record_number, second_draws.record_number) as first_record_number,
        greatest(first_draws.record_number, second_draws.record_number) as second_record_number
    from draw_positions
    inner join shuffled as first_draws
        on
            draw_positions.party_type_key = first_draws.party_type_key
            and draw_positions.first_order = first_draws.draw_order
    inner join shuffled as second_draws
        on
            draw_positions.party_type_key = second_draws.party_type_key
            -- Skipping the first position keeps the two records distinct.
            and second_draws.draw_order = case
                when draw_positions.second_offset >= draw_positions.first_order
                    then draw_positions.second_offset + 1
                else draw_positions.second_offset
            end
),

sampled_pairs as (
    select
        party_type_key,
        pairs_to_draw,
        first_record_number,
        second_record_number,
        min(draw_number) as first_drawn
    from sampled_draws
    group by party_type_key, pairs_to_draw, first_record_number, second_record_number
    qualify row_number() over (partition by party_type_key order by first_drawn) <= pairs_to_draw
),

drawn_pairs as (
    select
        first_record_number,
        second_record_number
    from all_pairs
    union all
    select
        first_record_number,
        second_record_number
    from sampled_pairs
),

final as (
    select
        first_records.source_record_key as first_record_key,
        second_records.source_record_key as second_record_key,
        {{ identity_comparison_levels('first_records', 'second_records') }}
    from drawn_pairs
    inner join records as first_records
        on drawn_pairs.first_record_number = first_records.record_number
    inner join records as second_records
        on drawn_pairs.second_record_number = second_records.record_number
)

select * from final
