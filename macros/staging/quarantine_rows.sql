{% macro quarantine_rows(source_name, tables) %}
    {#-
        The body of a source's quarantine model: the rejected rows of each of its base models.
        tables: list of (source table, base model, key column) triples.
    -#}
with

{% for table_name, base_model, key_column in tables %}
{{ table_name }} as (
    select * from {{ ref(base_model) }}
),

{% endfor %}
rejected as (
    {%- for table_name, base_model, key_column in tables %}
    select
        '{{ source_name }}' as source_name,
        '{{ table_name }}' as source_table,
        {{ key_column }} as source_record_key,
        rejection_reason,
        copy_number,
        raw_record
    from {{ table_name }}
    where rejection_reason is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        md5(source_table || '|' || cast(raw_record as varchar) || '|' || cast(copy_number as varchar))
            as quarantined_row_id,
        source_name,
        source_table,
        source_record_key,
        rejection_reason,
        copy_number,
        cast(raw_record as varchar) as raw_record
    from rejected
)

select * from final
{% endmacro %}
