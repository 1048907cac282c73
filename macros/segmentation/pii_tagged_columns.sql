{% macro pii_tagged_columns() %}
    {#- Every column name the project's YAML tags with meta.pii, on any model, seed or source. -#}
    {%- set names = [] -%}
    {%- if not execute -%}
        {{ return(names) }}
    {%- endif -%}
    {%- for node in (graph.nodes.values() | list) + (graph.sources.values() | list) -%}
        {%- for column in node.columns.values() -%}
            {%- if column.meta.get('pii') and column.name not in names -%}
                {%- do names.append(column.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{% endmacro %}
