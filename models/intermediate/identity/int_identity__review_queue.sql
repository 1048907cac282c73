-- What a data steward should look at: possible matches below the link threshold, and links the
-- cluster guards refused (they would have bridged a cannot-link or grown a suspiciously large
-- cluster). Settle a pair with a row in seeds/steward/identity_link_decisions.csv.
with

link_explanations as (
    select * from {{ ref('int_identity__link_explanations') }}
),

final as (
    select
        left_record_key,
        right_record_key,
        case when outcome = 'not_linked' then 'possible_match' else outcome end as review_reason,
        match_probability,
        match_weight,
        shared_identifiers,
        evidence_summary
    from link_explanations
    where
        (decision = 'possible_match')
        or (decision = 'linked' and outcome <> 'same_customer')
)

select * from final
