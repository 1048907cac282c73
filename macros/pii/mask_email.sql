{% macro mask_email(expression) %}
    {#- An email with its local part hidden but its first character and domain kept (j***@example.com):
        enough to recognize a mailbox on a report, not enough to write to it. -#}
    {{ return(adapter.dispatch('mask_email', 'custseg')(expression)) }}
{% endmacro %}

{% macro default__mask_email(expression) %}
    case when {{ expression }} like '%@%' then regexp_replace({{ expression }}, '^(.)[^@]*@', '$1***@') end
{% endmacro %}

{% macro duckdb__mask_email(expression) %}
    case when {{ expression }} like '%@%' then regexp_replace({{ expression }}, '^(.)[^@]*@', '\1***@') end
{% endmacro %}
