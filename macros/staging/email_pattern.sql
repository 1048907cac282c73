{% macro email_pattern() %}
    {#- One local part, one @, a domain with a dot and a top-level domain of two letters or more (SQL-quoted). -#}
    {{- return("^[a-z0-9._%+''-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}$") -}}
{% endmacro %}
