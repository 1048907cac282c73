{% macro normalize_tax_id(expression) %}
    {#- Tax/VAT/national id upper-cased without spaces, dots or dashes; empty as null. -#}
    nullif(upper(regexp_replace(cast({{ expression }} as varchar), '[^0-9A-Za-z]', '', 'g')), '')
{% endmacro %}
