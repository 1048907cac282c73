{% macro raw_rows_numbered(relation) %}
    {#-
        Every row of a raw relation with its raw_record (the row as JSON) and copy_number
        (1 for the first of identical rows, 2+ for exact copies), then the records of its file that the
        reader could not read, with unreadable_reason (null for the rows that were read).
    -#}
    select
        *,
        row_number() over (partition by raw_record) as copy_number
    from (
        select
            raw_rows.*,
            {{ raw_record('raw_rows') }} as raw_record,
            cast(null as varchar) as unreadable_reason
        from {{ relation }} as raw_rows
        {{ unreadable_raw_rows(relation) }}
    )
{% endmacro %}
