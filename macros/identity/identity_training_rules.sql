{% macro identity_training_rules() %}
    {#-
        The groups of candidate pairs EM trains on, one pass each: every blocking rule, and the pairs
        sharing each kind of strong identifier (shared_<identifier>). held_out lists the comparisons a
        pass does not learn, because its pairs were chosen for agreeing on them.
    -#}
    {%- set rules = [] -%}
    {%- for rule in identity_blocking_rules() -%}
        {%- do rules.append({'name': rule['name'], 'held_out': rule['held_out']}) -%}
    {%- endfor -%}
    {%- for identifier in ['email', 'phone', 'tax_id', 'national_id', 'web_domain'] -%}
        {%- do rules.append({'name': 'shared_' ~ identifier, 'held_out': [identifier]}) -%}
    {%- endfor -%}
    {{ return(rules) }}
{% endmacro %}
