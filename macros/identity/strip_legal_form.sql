{% macro strip_legal_form(standardized_name) %}
    {#-
        A standardized company name without its trailing legal form (var identity_legal_forms), so that
        'acme logistics inc' and 'acme logistics incorporated' compare as the same name.
    -#}
    nullif(trim(regexp_replace(
        {{ standardized_name }},
        '( ({{ var("identity_legal_forms") | join("|") }}))+$',
        ''
    )), '')
{% endmacro %}
