-- Every column whose values need an optional source (declared once, in the column's YAML meta `requires` or
-- `requires_one_of`), whether this run has that source, and why not. Features, the completeness score and
-- KPIs read it to leave a column null when its source is absent, and say why here.
{%- set items = [] %}
{%- for requirement in column_source_requirements() %}
    {%- for source_item in requirement.requires %}
        {%- do items.append((requirement, source_item, 'all_of')) %}
    {%- endfor %}
    {%- for source_item in requirement.requires_one_of %}
        {%- do items.append((requirement, source_item, 'one_of')) %}
    {%- endfor %}
{%- endfor %}
with

sources_present as (
    select * from {{ ref('int_raw_sources_present') }}
),

requirement_items as (
    {%- for requirement, source_item, requirement_kind in items %}
        select
            '{{ requirement.model_name }}' as model_name,
            '{{ requirement.column_name }}' as column_name,
            '{{ source_item }}' as source_item,
            '{{ requirement_kind }}' as requirement_kind,
            {{ requirement.is_completeness_check }} as is_completeness_check
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

judged_items as (
    select
        requirement_items.*,
        sources_present.is_present,
        sources_present.absence_reason
    from requirement_items
    inner join sources_present
        on requirement_items.source_item = sources_present.source_item
),

judged_columns as (
    select
        model_name,
        column_name,
        is_completeness_check,
        string_agg(source_item, ', ' order by source_item) filter (where requirement_kind = 'all_of')
            as required_sources,
        string_agg(source_item, ', ' order by source_item) filter (where requirement_kind = 'one_of')
            as required_one_of_sources,
        coalesce(bool_and(is_present) filter (where requirement_kind = 'all_of'), true) as has_all_required,
        coalesce(bool_or(is_present) filter (where requirement_kind = 'one_of'), true) as has_one_of_required,
        string_agg(source_item || ': ' || absence_reason, '; ' order by source_item) filter (
            where requirement_kind = 'all_of' and not is_present
        ) as missing_required_sources
    from judged_items
    group by model_name, column_name, is_completeness_check
),

final as (
    select
        model_name,
        column_name,
        required_sources,
        required_one_of_sources,
        has_all_required and has_one_of_required as is_available,
        case
            when not has_all_required and not has_one_of_required
                then missing_required_sources || '; and none of ' || required_one_of_sources || ' is present'
            when not has_all_required
                then missing_required_sources
            when not has_one_of_required
                then 'none of ' || required_one_of_sources || ' is present'
        end as unavailable_reason,
        is_completeness_check
    from judged_columns
)

select * from final
