{% macro has_legal_form(standardized_name) %}
    {#-
        Whether a standardized name (macro standardize_name) holds a legal form of var
        identity_legal_forms as a word anywhere: 'acme logistics gmbh', 'sarl dupont', 'muller gmbh and
        co kg'. Such a name is an organization's.
    -#}
    coalesce(regexp_matches(
        {{ standardized_name }},
        '(^| )({{ var("identity_legal_forms") | join("|") }})( |$)'
    ), false)
{% endmacro %}
