-- The groups of candidate pairs the match model is trained on, one EM pass each (macro
-- identity_training_rules): every blocking rule, and the pairs sharing each kind of strong identifier,
-- with the comparisons each pass holds out because its pairs were chosen for agreeing on them.
with

rules as (
    {%- for rule in identity_training_rules() %}
        select
            '{{ rule["name"] }}' as training_rule,
            {%- set kind = 'shared_identifier' if rule['name'].startswith('shared_') else 'blocking_rule' %}
            '{{ kind }}' as rule_kind,
            string_split('{{ rule["held_out"] | join(",") }}', ',') as held_out_comparisons
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        cast(training_rule as varchar) as training_rule,
        cast(rule_kind as varchar) as rule_kind,
        cast(held_out_comparisons as varchar[]) as held_out_comparisons
    from rules
)

select * from final
