{% macro is_unparseable(expression, data_type, parsed=none) %}
    {#-
        A raw value that is there but does not convert to the contract's type, or converts only by a
        guess: a fraction rounded to a whole number, NaN or infinity, a date in no form parse_date reads
        (a word such as epoch or infinity, 31/02/2020, 01/15/2026 when days come first). Spaces alone are an
        absent value, not an unparseable one. parsed: the value already converted (parse_date,
        parse_timestamp or try_cast), when the model has it, so that it is not converted twice.
    -#}
    {%- set kind = data_type | lower | replace(' ', '') -%}
    {%- if parsed is none -%}
        {%- if kind == 'date' -%}
            {%- set parsed = parse_date(expression) -%}
        {%- elif kind == 'timestamp' -%}
            {%- set parsed = parse_timestamp(expression) -%}
        {%- else -%}
            {%- set parsed = 'try_cast(' ~ expression ~ ' as ' ~ data_type ~ ')' -%}
        {%- endif -%}
    {%- endif -%}
    (
        nullif(trim(cast({{ expression }} as varchar)), '') is not null
        and (
            {{ parsed }} is null
            {%- if kind in ('integer', 'bigint') %}
            or try_cast({{ expression }} as double) is distinct from {{ parsed }}
            {%- elif kind == 'double' %}
            or not isfinite({{ parsed }})
            {%- endif %}
        )
    )
{% endmacro %}
