-- Fellegi-Sunter parameters estimated from the data, one row per comparison level:
--   m = P(level | same customer), from pairs linked by deterministic evidence (for an identifier,
--       only pairs linked by another identifier, so that its own equality does not count itself);
--   u = P(level | different customers), from random pairs.
-- Counts are smoothed (+1 per level) so that an unseen level has a finite weight.
with

pair_comparisons as (
    select * from {{ ref('int_identity__pair_comparisons') }}
),

random_pair_comparisons as (
    select * from {{ ref('int_identity__random_pair_comparisons') }}
),

comparison_levels as (
    {%- for comparison in identity_comparisons() %}
        {%- for level in comparison['levels'] %}
            select
                '{{ comparison["name"] }}' as comparison_name,
                {{ level }} as comparison_level
            {{- '\n    union all' if not loop.last }}
        {%- endfor %}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

matched_levels as (
    {%- for comparison in identity_comparisons() %}
        select
            '{{ comparison["name"] }}' as comparison_name,
            {{ comparison["name"] }}_level as comparison_level
        from pair_comparisons
        where
            {{ comparison["name"] }}_level >= 0
            {%- if comparison['identifier'] %}
                and len(
                    list_filter(shared_identifiers, lambda identifier: identifier <> '{{ comparison["identifier"] }}')
                )
                > 0
            {%- else %}
                and len(shared_identifiers) > 0
            {%- endif %}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

random_levels as (
    {%- for comparison in identity_comparisons() %}
        select
            '{{ comparison["name"] }}' as comparison_name,
            {{ comparison["name"] }}_level as comparison_level
        from random_pair_comparisons
        where {{ comparison["name"] }}_level >= 0
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

matched_counts as (
    select
        comparison_name,
        comparison_level,
        count(*) as matched_pairs
    from matched_levels
    group by comparison_name, comparison_level
),

random_counts as (
    select
        comparison_name,
        comparison_level,
        count(*) as random_pairs
    from random_levels
    group by comparison_name, comparison_level
),

counted as (
    select
        comparison_levels.comparison_name,
        comparison_levels.comparison_level,
        coalesce(matched_counts.matched_pairs, 0) as matched_pairs,
        coalesce(random_counts.random_pairs, 0) as random_pairs
    from comparison_levels
    left join matched_counts
        on
            comparison_levels.comparison_name = matched_counts.comparison_name
            and comparison_levels.comparison_level = matched_counts.comparison_level
    left join random_counts
        on
            comparison_levels.comparison_name = random_counts.comparison_name
            and comparison_levels.comparison_level = random_counts.comparison_level
),

probabilities as (
    select
        comparison_name,
        comparison_level,
        matched_pairs,
        random_pairs,
        (matched_pairs + 1.0) / (sum(matched_pairs + 1) over (partition by comparison_name)) as m_probability,
        (random_pairs + 1.0) / (sum(random_pairs + 1) over (partition by comparison_name)) as u_probability
    from counted
),

final as (
    select
        comparison_name,
        comparison_level,
        matched_pairs,
        random_pairs,
        m_probability,
        u_probability,
        log2(m_probability / u_probability) as match_weight
    from probabilities
)

select * from final
