{% macro clean_text(expression) %}
    {#- Whitespace of any kind (no-break spaces too), control characters and byte-order marks count as one space. -#}
    nullif(trim(regexp_replace(cast({{ expression }} as varchar), '[\s\p{Z}\p{Cc}\x{FEFF}\x{200B}]+', ' ', 'g')), '')
{% endmacro %}
