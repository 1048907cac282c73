{% macro raw_value(raw_record, column_name) %}
    {{ return(adapter.dispatch('raw_value', 'custseg')(raw_record, column_name)) }}
{% endmacro %}

{% macro default__raw_value(raw_record, column_name) %}
    {#- One column's value as it arrived, as text, read back from the raw row (see raw_record). -#}
    json_extract_string({{ raw_record }}, '$."{{ column_name }}"')
{% endmacro %}

{% macro spark__raw_value(raw_record, column_name) %}
    get_json_object({{ raw_record }}, '$.{{ column_name }}')
{% endmacro %}
