-- The levels of every field comparison (macro identity_comparisons), each with what is known of it
-- before training: whether it means one key is equal, and then how often two distinct records share a
-- value of that key (counted from the values, the u of that level), and the frequency column its
-- weight is adjusted by for the agreeing value.
with

records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

{% for comparison in identity_comparisons() if comparison['exact_key'] %}
    {{ comparison['name'] }}_values as (
        select count(*) as records_with_value
        from records
        where
            {{ "coalesce(party_type, '') <> '" ~ comparison['not_type'] ~ "'" if comparison['not_type'] else 'true' }}
            {%- for part in comparison['exact_key'] %}
                and {{ part }} is not null
            {%- endfor %}
        group by {{ comparison['exact_key'] | join(', ') }}
    ),

{% endfor %}
exact_agreement as (
    {%- for comparison in identity_comparisons() if comparison['exact_key'] %}
        select
            '{{ comparison["name"] }}' as comparison_name,
            sum(records_with_value * (records_with_value - 1)) as agreeing_ordered_pairs,
            sum(records_with_value) as records_with_value
        from {{ comparison['name'] }}_values
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

levels as (
    {%- for comparison in identity_comparisons() %}
        {%- for level in comparison['levels'] %}
            select
                '{{ comparison["name"] }}' as comparison_name,
                {{ level }} as comparison_level,
                {{ 'true' if level == comparison['exact_level'] else 'false' }} as is_exact_level,
                {%- set frequency_column = comparison['term_frequency'].get(level) %}
                {{ "'" ~ frequency_column ~ "'" if frequency_column else 'null' }} as term_frequency_column
            {{- '\n    union all' if not loop.last }}
        {%- endfor %}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        levels.comparison_name,
        cast(levels.comparison_level as integer) as comparison_level,
        levels.is_exact_level,
        cast(levels.term_frequency_column as varchar) as term_frequency_column,
        case
            when levels.is_exact_level and exact_agreement.records_with_value >= 2
                then
                    exact_agreement.agreeing_ordered_pairs
                    / (exact_agreement.records_with_value * (exact_agreement.records_with_value - 1))
        end as exact_agreement_share,
        case when levels.is_exact_level then coalesce(exact_agreement.records_with_value, 0) end
            as exact_agreement_records
    from levels
    left join exact_agreement
        on levels.comparison_name = exact_agreement.comparison_name
)

select * from final
