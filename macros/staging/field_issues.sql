{% macro field_issues(source_name, tables) %}
    {#-
        The body of a source's field issues model: one row per optional value of a staged row that could
        not be kept (set to null by the base model), with the raw value and the reason.
        tables: list of (source table, base model, key column, optional typed raw columns) tuples; each
        column has a <column>_issue column in the base model.
    -#}
with

{% for table_name, base_model, key_column, columns in tables %}
{{ table_name }} as (
    select * from {{ ref(base_model) }}
),

{% endfor %}
issues as (
    {%- for table_name, base_model, key_column, columns in tables %}
    {%- set outer_loop = loop %}
    {%- for column_name in columns %}
    select
        '{{ source_name }}' as source_name,
        '{{ table_name }}' as source_table,
        {{ key_column }} as source_record_key,
        '{{ column_name }}' as column_name,
        {{ raw_value('raw_record', column_name) }} as raw_value,
        {{ column_name }}_issue as issue_reason
    from {{ table_name }}
    where rejection_reason is null and {{ column_name }}_issue is not null
    {%- if not (loop.last and outer_loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
),

final as (
    select
        md5(source_name || '|' || source_table || '|' || source_record_key || '|' || column_name) as field_issue_id,
        source_name,
        source_table,
        source_record_key,
        column_name,
        raw_value,
        issue_reason
    from issues
)

select * from final
{% endmacro %}
