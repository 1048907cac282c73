{% macro unreadable_raw_rows(relation) %}
    {{ return(adapter.dispatch('unreadable_raw_rows', 'custseg')(relation)) }}
{% endmacro %}

{% macro default__unreadable_raw_rows(relation) %}
    {#- Raw tables that an EL tool loads have no unreadable records here: nothing to add. -#}
{% endmacro %}

{% macro duckdb__unreadable_raw_rows(relation) %}
    {#-
        The records of the raw file that load_raw_csv or load_raw_parquet could not read, as rows of the raw
        relation: every column null, raw_record holding the record's number, text and the reader's error,
        and the reason.
        A unit test's input is no relation of the warehouse (it has no schema) and has none.
    -#}
    {%- if relation.schema %}
    union all by name
    select
        to_json({record: record_number, text: raw_text, reader_error: reader_error}) as raw_record,
        unreadable_reason
    from {{ relation.incorporate(path={'identifier': 'unreadable_records'}) }}
    where raw_table = '{{ relation.identifier }}'
    {%- endif %}
{% endmacro %}
