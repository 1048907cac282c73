{% macro min_valid_date() %}
    date '{{ var("min_valid_date") }}'
{% endmacro %}
