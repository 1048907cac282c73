{% macro normalize_country_code(expression) %}
    {%- set upper_value = "upper(trim(cast(" ~ expression ~ " as varchar)))" -%}
    case
        {%- for code, reference in country_reference().items() %}
        when {{ upper_value }} in ('{{ code }}', '{{ reference[1] | join("', '") }}') then '{{ code }}'
        {%- endfor %}
    end
{% endmacro %}
