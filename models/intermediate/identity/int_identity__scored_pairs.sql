-- Candidate pairs with their Fellegi-Sunter match weight and the decision taken on them. Pairs that
-- are neither linked nor worth a review (most blocked pairs) are left out.
with

pair_comparisons as (
    select * from {{ ref('int_identity__pair_comparisons') }}
),

comparison_parameters as (
    select * from {{ ref('int_identity__comparison_parameters') }}
),

em_training_runs as (
    select * from {{ ref('int_identity__em_training_runs') }}
),

records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

link_decisions as (
    select * from {{ ref('int_identity__link_decisions') }}
),

-- The prior: the probability that two comparable records are one customer, trained by EM (the
-- expected matching candidate pairs over all comparable record pairs).
prior as (
    select log2(match_share / (1 - match_share)) as prior_weight
    from em_training_runs
    where training_rule = 'all_candidate_pairs'
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
                {%- if level in comparison['term_frequency'] %}
                    max(
                        case
                            when
                                comparison_name = '{{ comparison["name"] }}' and comparison_level = {{ level }}
                                then m_probability
                        end
                    )
                        as {{ comparison["name"] }}_m_{{ level }},
                    max(
                        case
                            when
                                comparison_name = '{{ comparison["name"] }}' and comparison_level = {{ level }}
                                then coalesce(term_frequency_scale, 1)
                        end
                    )
                        as {{ comparison["name"] }}_scale_{{ level }},
                {%- endif %}
            {%- endfor %}
        {%- endfor %}
        count(*) as parameter_rows
    from comparison_parameters
),

-- A level with a term-frequency adjustment weighs m against how common the agreeing value is (the
-- more common of the two records' frequencies, scaled to the level's u) instead of the level's u.
comparison_weights as (
    select
        pair_comparisons.*,
        {%- for comparison in identity_comparisons() %}
            case pair_comparisons.{{ comparison["name"] }}_level
                {%- for level in comparison['levels'] %}
                    {%- if level in comparison['term_frequency'] %}
                        when {{ level }} then coalesce(
                            log2(weights.{{ comparison["name"] }}_m_{{ level }} / nullif(greatest(
                                left_records.{{ comparison['term_frequency'][level] }},
                                right_records.{{ comparison['term_frequency'][level] }}
                            ) * weights.{{ comparison["name"] }}_scale_{{ level }}, 0)),
                            weights.{{ comparison["name"] }}_weight_{{ level }}
                        )
                    {%- else %}
                        when {{ level }} then weights.{{ comparison["name"] }}_weight_{{ level }}
                    {%- endif %}
                {%- endfor %}
                else 0
            end as {{ comparison["name"] }}_weight,
        {%- endfor %}
        prior.prior_weight
    from pair_comparisons
    inner join records as left_records
        on pair_comparisons.left_record_number = left_records.record_number
    inner join records as right_records
        on pair_comparisons.right_record_number = right_records.record_number
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
        -- The strongest shared identifier names the evidence of a link.
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
        -- Evidence decides, a shared identifier included: its weight (and that of a disagreeing one) is learned.
        case
            when steward_decision = 'cannot_link' then 'cannot_link'
            when steward_decision = 'must_link' then 'linked'
            when match_probability >= {{ var('identity_match_probability_threshold') }} then 'linked'
            else 'possible_match'
        end as decision,
        case
            when steward_decision = 'cannot_link' then null
            when steward_decision = 'must_link' then 'steward_must_link'
            when match_probability >= {{ var('identity_match_probability_threshold') }}
                then coalesce(deterministic_rule, 'probabilistic')
        end as link_rule
    from decided
    -- A shared identifier that did not decide is worth a look too (a family mailbox, a reused number).
    where
        steward_decision is not null
        or len(shared_identifiers) > 0
        or match_probability >= {{ var('identity_review_probability_threshold') }}
)

select * from final
