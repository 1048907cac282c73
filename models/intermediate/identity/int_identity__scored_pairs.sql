-- Candidate pairs with their Fellegi-Sunter match weight and the decision taken on them. Pairs that
-- are neither linked nor worth a review (most blocked pairs) are left out.
with

pair_comparisons as (
    select * from {{ ref('int_identity__pair_comparisons') }}
),

comparison_parameters as (
    select * from {{ ref('int_identity__comparison_parameters') }}
),

records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

link_decisions as (
    select * from {{ ref('int_identity__link_decisions') }}
),

-- The prior: the share of all same-type record pairs that are matches, estimated (from below) by the
-- pairs deterministic evidence links.
record_counts as (
    select count(*) as records_of_type
    from records
    group by party_type
),

deterministic_pairs as (
    select count(*) as deterministic_pair_count
    from pair_comparisons
    where len(pair_comparisons.shared_identifiers) > 0
),

prior as (
    select
        greatest(deterministic_pairs.deterministic_pair_count, 1)
        / greatest(sum(record_counts.records_of_type * (record_counts.records_of_type - 1) / 2), 2)
            as prior_match_share,
        log2(prior_match_share / (1 - prior_match_share)) as prior_weight
    from record_counts
    cross join deterministic_pairs
    group by deterministic_pairs.deterministic_pair_count
),

weights as (
    select
        {%- for comparison in identity_comparisons() %}
            {%- for level in comparison['levels'] %}
                max(
                    case
                        when
                            comparison_name = '{{ comparison["name"] }}' and comparison_level = {{ level }}
                            then match_weight
                    end
                )
                    as {{ comparison["name"] }}_weight_{{ level }},
            {%- endfor %}
        {%- endfor %}
        count(*) as parameter_rows
    from comparison_parameters
),

comparison_weights as (
    select
        pair_comparisons.*,
        {%- for comparison in identity_comparisons() %}
            case pair_comparisons.{{ comparison["name"] }}_level
                {%- for level in comparison['levels'] %}
                    when {{ level }} then weights.{{ comparison["name"] }}_weight_{{ level }}
                {%- endfor %}
                else 0
            end as {{ comparison["name"] }}_weight,
        {%- endfor %}
        prior.prior_weight
    from pair_comparisons
    cross join weights
    cross join prior
),

weighted as (
    select
        *,
        prior_weight
        {%- for comparison in identity_comparisons() %}
            + {{ comparison["name"] }}_weight
        {%- endfor %}
            as match_weight
    from comparison_weights
),

decided as (
    select
        weighted.*,
        1 / (1 + pow(2, -weighted.match_weight)) as match_probability,
        link_decisions.decision as steward_decision,
        -- The strongest shared identifier names a deterministic link.
        case
            when list_contains(weighted.shared_identifiers, 'tax_id') then 'exact_tax_id'
            when list_contains(weighted.shared_identifiers, 'national_id') then 'exact_national_id'
            when list_contains(weighted.shared_identifiers, 'email') then 'exact_email'
            when list_contains(weighted.shared_identifiers, 'phone') then 'exact_phone'
            when list_contains(weighted.shared_identifiers, 'web_domain') then 'exact_web_domain'
        end as deterministic_rule
    from weighted
    left join link_decisions
        on
            weighted.left_record_key = link_decisions.left_record_key
            and weighted.right_record_key = link_decisions.right_record_key
),

final as (
    select
        left_record_number,
        right_record_number,
        left_record_key,
        right_record_key,
        shared_identifiers,
        blocking_rules,
        prior_weight,
        {%- for comparison in identity_comparisons() %}
            {{ comparison["name"] }}_level,
            {{ comparison["name"] }}_weight,
        {%- endfor %}
        match_weight,
        match_probability,
        case
            when steward_decision = 'cannot_link' then 'cannot_link'
            when steward_decision = 'must_link' then 'linked'
            when deterministic_rule is not null then 'linked'
            when match_probability >= {{ var('identity_match_probability_threshold') }} then 'linked'
            else 'possible_match'
        end as decision,
        case
            when steward_decision = 'cannot_link' then null
            when steward_decision = 'must_link' then 'steward_must_link'
            when deterministic_rule is not null then deterministic_rule
            when match_probability >= {{ var('identity_match_probability_threshold') }} then 'probabilistic'
        end as link_rule
    from decided
    where
        steward_decision is not null
        or deterministic_rule is not null
        or match_probability >= {{ var('identity_review_probability_threshold') }}
)

select * from final
