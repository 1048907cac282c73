{% macro soundex(expression) %}
    {#-
        The American Soundex code of a standardized name ('robert' and 'rupert' both 'R163'): its
        first letter and three digits for the consonant sounds that follow, so that names spelled
        differently but sounding alike share a blocking key. Letters only (spaces and digits are
        ignored); null when there are none. DuckDB has no soundex function, so it is spelled out.
    -#}
    {%- set letters = "regexp_replace(lower(cast(" ~ expression ~ " as varchar)), '[^a-z]', '', 'g')" -%}
    {#- a e i o u y: 0 (they separate equal codes), h w: 9 (dropped, they do not). -#}
    {%- set codes = "translate(" ~ letters ~ ", 'abcdefghijklmnopqrstuvwxyz', '01230129022455012623019202')" -%}
    {%- set first_code = "case when left(" ~ letters ~ ", 1) in ('h', 'w') then '' else left(" ~ codes ~ ", 1) end" -%}
    {%- set sequence = "(" ~ first_code ~ ") || replace(substr(" ~ codes ~ ", 2), '9', '')" -%}
    {%- set state = namespace(collapsed=sequence) -%}
    {%- for digit in ['1', '2', '3', '4', '5', '6'] -%}
        {%- set state.collapsed = "regexp_replace(" ~ state.collapsed ~ ", '" ~ digit ~ "+', '" ~ digit ~ "', 'g')" -%}
    {%- endfor -%}
    {%- set collapsed = state.collapsed -%}
    case
        when {{ letters }} <> '' then
            upper(left({{ letters }}, 1))
            || rpad(left(replace(
                case when ({{ first_code }}) <> '' then substr({{ collapsed }}, 2) else {{ collapsed }} end,
                '0', ''
            ), 3), 3, '0')
    end
{% endmacro %}
