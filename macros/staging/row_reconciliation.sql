{% macro row_reconciliation(raw_tables) %}
    {#-
        Body of the load audit: per raw table, rows in (base model), staged (stg_ model) and
        quarantined (the source's quarantine model), by kind; and the optional values of staged rows that
        were set to null (int_raw_field_issues).
        raw_tables: list of (source, table) pairs.
    -#}
with

{% for source_name, table_name in raw_tables %}
{{ source_name }}__{{ table_name }}__arrived as (
    select * from {{ ref('base_' ~ source_name ~ '__' ~ table_name) }}
),

{{ source_name }}__{{ table_name }}__staged as (
    select * from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}
),

{% endfor %}
{% for source_name in raw_tables | map(attribute=0) | unique %}
{{ source_name }}__quarantine as (
    select * from {{ ref('stg_' ~ source_name ~ '__quarantine') }}
),

{% endfor %}
field_issues as (
    select * from {{ ref('int_raw_field_issues') }}
),

counts as (
    {%- for source_name, table_name in raw_tables %}
    select
        '{{ source_name }}' as source_name,
        '{{ table_name }}' as source_table,
        (select count(*) from {{ source_name }}__{{ table_name }}__arrived) as rows_in,
        (select count(*) from {{ source_name }}__{{ table_name }}__staged) as rows_staged,
        (
            select count(*) from {{ source_name }}__quarantine
            where source_table = '{{ table_name }}'
        ) as rows_quarantined,
        (
            select count(*) from {{ source_name }}__quarantine
            where source_table = '{{ table_name }}' and rejection_reason = 'exact_duplicate'
        ) as exact_duplicates_removed,
        (
            select count(*) from {{ source_name }}__quarantine
            where source_table = '{{ table_name }}' and rejection_reason = 'duplicate_key'
        ) as duplicate_keys_set_aside,
        (
            select count(*) from {{ source_name }}__quarantine
            where source_table = '{{ table_name }}' and rejection_reason in ('malformed_row', 'invalid_encoding')
        ) as unreadable_rows,
        (
            select count(*) from field_issues
            where source_name = '{{ source_name }}' and source_table = '{{ table_name }}'
        ) as field_issues,
        (
            select count(distinct source_record_key) from field_issues
            where source_name = '{{ source_name }}' and source_table = '{{ table_name }}'
        ) as rows_staged_with_field_issues
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        source_name || '__' || source_table as raw_table_id,
        source_name,
        source_table,
        rows_in,
        rows_staged,
        rows_quarantined,
        exact_duplicates_removed,
        duplicate_keys_set_aside,
        unreadable_rows,
        rows_quarantined - exact_duplicates_removed - duplicate_keys_set_aside as invalid_rows,
        field_issues,
        rows_staged_with_field_issues
    from counts
)

select * from final
{% endmacro %}
