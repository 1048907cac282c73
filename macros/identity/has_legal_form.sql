{% macro has_legal_form(standardized_name) %}
    {#-
        Whether a standardized name (macro standardize_name) holds a legal form of var
        identity_legal_forms as a word anywhere ('acme logistics gmbh', 'sarl dupont', 'muller gmbh
        and co kg'), or glued to the end of the name when the form has no vowel and three letters or
        more, which no name ends with ('acme softwareltd', 'bright architectsllc'). Such a name is an
        organization's.
    -#}
    {%- set glued = [] -%}
    {%- for form in var('identity_legal_forms') -%}
        {%- if form | length >= 3 and ' ' not in form and not (form | lower | select('in', 'aeiouy') | list) -%}
            {%- do glued.append(form) -%}
        {%- endif -%}
    {%- endfor -%}
    coalesce(regexp_matches(
        {{ standardized_name }},
        '(^| )({{ var("identity_legal_forms") | join("|") }})( |$)
        {%- if glued %}|[a-z]{3}({{ glued | join("|") }})${% endif %}'
    ), false)
{% endmacro %}
