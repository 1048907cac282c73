{% macro date_text_as_iso(expression) %}
    {#-
        A raw date or timestamp as text written year first (what a cast to date or timestamp reads), or null
        when it is written in no form we read. Text that starts with a four-digit year (1956-04-09,
        1956/04/09, with or without a time) is kept for the cast to judge; 19560409 becomes 1956-04-09;
        09.04.1956 (German style) is always day first; 09/04/1956 and 09-04-1956 are read by var
        date_day_order. The forms with the year last may carry a time after a space or a T. Anything else is
        no date: words (epoch, infinity, now), a sign (-0001-01-01), a two-digit year (09/04/56, which a cast
        would read as the year 9).
        Typed input (a Parquet DATE or TIMESTAMP column) is cast to text first, which is written year first.
    -#}
    {%- set text = "trim(cast(" ~ expression ~ " as varchar))" -%}
    {%- set time_part = "([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?)?" -%}
    {%- set day_month = "'\\3-\\2-\\1'" if date_day_order() == 'DMY' else "'\\3-\\1-\\2'" -%}
    case
        when regexp_full_match({{ text }}, '[0-9]{8}')
            then regexp_replace({{ text }}, '^([0-9]{4})([0-9]{2})([0-9]{2})$', '\1-\2-\3')
        when regexp_full_match({{ text }}, '[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4}{{ time_part }}')
            then regexp_replace({{ text }}, '^([0-9]{1,2})[.]([0-9]{1,2})[.]([0-9]{4})', '\3-\2-\1')
        when regexp_full_match({{ text }}, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}{{ time_part }}')
            then regexp_replace({{ text }}, '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})', {{ day_month }})
        when regexp_full_match({{ text }}, '[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}{{ time_part }}')
            then regexp_replace({{ text }}, '^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})', {{ day_month }})
        when regexp_matches({{ text }}, '^[0-9]{4}') then {{ text }}
    end
{% endmacro %}
