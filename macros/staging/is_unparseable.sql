{% macro is_unparseable(expression, data_type) %}
    {#- A raw value that is there but does not convert to the contract's type. -#}
    ({{ expression }} is not null and try_cast({{ expression }} as {{ data_type }}) is null)
{% endmacro %}
