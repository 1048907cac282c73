{% macro clean_text(expression) %}
    nullif(trim(regexp_replace(cast({{ expression }} as varchar), '\s+', ' ', 'g')), '')
{% endmacro %}
