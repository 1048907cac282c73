{% macro max_valid_date() %}
    {#- Latest plausible date in a raw export: var max_valid_date, else the day the build runs. -#}
    {%- if var('max_valid_date') -%}
        date '{{ var("max_valid_date") }}'
    {%- else -%}
        current_date
    {%- endif -%}
{% endmacro %}
