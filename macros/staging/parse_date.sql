{% macro parse_date(expression) %}
    {#-
        A raw value as a date, read in the common written forms (see date_text_as_iso); null when it is
        absent or is no date (31/02/2020, 01/15/2026 when days come first, a word). A time is dropped.
    -#}
    try_cast({{ date_text_as_iso(expression) }} as date)
{% endmacro %}
