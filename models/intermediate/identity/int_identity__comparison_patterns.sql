-- The candidate pairs as EM reads them: one row per distinct vector of comparison levels and set of
-- training rules that proposed the pairs (blocking rules, and shared_<identifier> for pairs sharing a
-- strong identifier), with the number of pairs. Pairs only a steward proposed train nothing.
with

pair_comparisons as (
    select * from {{ ref('int_identity__pair_comparisons') }}
),

with_rules as (
    select
        {%- for comparison in identity_comparisons() %}
            {{ comparison["name"] }}_level,
        {%- endfor %}
        list_sort(list_concat(
            blocking_rules,
            list_transform(shared_identifiers, lambda identifier: 'shared_' || identifier)
        )) as training_rules
    from pair_comparisons
    where len(blocking_rules) > 0 or len(shared_identifiers) > 0
),

final as (
    select
        {%- for comparison in identity_comparisons() %}
            {{ comparison["name"] }}_level,
        {%- endfor %}
        training_rules,
        count(*) as pair_count
    from with_rules
    group by all
)

select * from final
