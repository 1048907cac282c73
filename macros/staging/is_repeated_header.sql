{% macro is_repeated_header(key_column) %}
    {#-
        The row is the file's header again (two exports concatenated): its id column holds the column's own
        name. Its other values are column names too, no values of the record.
    -#}
    (lower({{ clean_text(key_column) }}) = '{{ key_column | lower }}')
{% endmacro %}
