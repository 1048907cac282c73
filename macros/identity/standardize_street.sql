{% macro standardize_street(expression, country_code) %}
    {#-
        A street line in one spelling per street type, so that abbreviations compare equal:
        '12 Main St.' and '12 main street', 'Goethestr. 4' and 'Goethestraße 4', '3 R. Hugo' and
        '3 rue hugo'. 'str' and 'ln' depend on the country (German strasse, Dutch straat and laan).
    -#}
    {%- set words = standardize_name(expression) -%}
    {%- set country = "coalesce(" ~ country_code ~ ", '')" -%}
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        {{ words }},
        '\bst\b', 'street', 'g'),
        '\bave?\b', 'avenue', 'g'),
        '\brd\b', 'road', 'g'),
        '\bdr\b', 'drive', 'g'),
        '\bcl\b', 'close', 'g'),
        '\b(bd|blvd)\b', 'boulevard', 'g'),
        '\br\b', 'rue', 'g'),
        '\bgr\b', 'gracht', 'g'),
        '\bln\b', case when {{ country }} = 'NL' then 'laan' else 'lane' end, 'g'),
        'str\b', case {{ country }} when 'DE' then 'strasse' when 'AT' then 'strasse' when 'CH' then 'strasse'
            when 'NL' then 'straat' else 'str' end, 'g')
{% endmacro %}
