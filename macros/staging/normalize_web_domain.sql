{% macro normalize_web_domain(expression) %}
    {#- Host of a website or domain as typed: lower case, without scheme, www. or path. -#}
    nullif(
        regexp_replace(
            regexp_replace(lower(trim(cast({{ expression }} as varchar))), '^(https?://)?(www\.)?', ''),
            '[/?#].*$', ''
        ),
        ''
    )
{% endmacro %}
