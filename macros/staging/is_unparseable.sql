{% macro is_unparseable(expression, data_type) %}
    {#-
        A raw value that is there but does not convert to the contract's type, or converts only by a
        guess: a fraction rounded to a whole number, NaN or infinity, a date word (epoch, infinity)
        instead of a date. Spaces alone are an absent value, not an unparseable one.
    -#}
    {%- set kind = data_type | lower | replace(' ', '') -%}
    (
        nullif(trim(cast({{ expression }} as varchar)), '') is not null
        and (
            try_cast({{ expression }} as {{ data_type }}) is null
            {%- if kind in ('integer', 'bigint') %}
            or try_cast({{ expression }} as double) is distinct from try_cast({{ expression }} as {{ data_type }})
            {%- elif kind == 'double' %}
            or not isfinite(try_cast({{ expression }} as double))
            {%- elif kind in ('date', 'timestamp') %}
            or left(trim(cast({{ expression }} as varchar)), 1) not between '0' and '9'
            {%- endif %}
        )
    )
{% endmacro %}
