{% macro parse_timestamp(expression) %}
    {#-
        A raw value as a timestamp, read in the common written forms (see date_text_as_iso); a date alone is
        midnight; null when it is absent or is no timestamp (2026-01-15 25:00, 1700000000, a word).
    -#}
    try_cast({{ date_text_as_iso(expression) }} as timestamp)
{% endmacro %}
