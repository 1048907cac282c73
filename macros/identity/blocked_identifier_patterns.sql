{% macro blocked_identifier_patterns() %}
    {#-
        The pattern rows of seed identity_blocked_identifiers, read when the model compiles, so that
        each regular expression is a constant DuckDB compiles once (a pattern taken from a joined
        column is compiled again for every row). Empty while the seed is not loaded yet.
    -#}
    {%- set patterns = [] -%}
    {%- if execute -%}
        {%- set seed = load_relation(ref('identity_blocked_identifiers')) -%}
        {%- if seed is not none -%}
            {%- set rows = run_query(
                "select identifier_type, identifier_value, reason from " ~ seed
                ~ " where match_kind = 'pattern' order by identifier_type, identifier_value"
            ).rows -%}
            {%- for row in rows -%}
                {%- do patterns.append({'identifier_type': row[0], 'pattern': row[1], 'reason': row[2]}) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(patterns) }}
{% endmacro %}
