-- Which customer every source customer record belongs to, and the link that put it there.
with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

final as (
    select
        customer_id,
        source_system,
        source_record_id,
        source_record_key,
        customer_record_count,
        link_rule,
        linked_to_record_key,
        match_weight,
        match_probability,
        review_reason
    from crosswalk
)

select * from final
