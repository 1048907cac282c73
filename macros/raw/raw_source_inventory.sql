{% macro raw_source_inventory() %}
    {#-
        The raw contract as data: for each raw table of the sources YAML (meta raw_file), its source and
        table names, its staging model, and its optional columns with the name staging gives them
        (meta staged_as, else the raw name). Empty while dbt parses. Stops with a message when a staged
        name is not a documented column of the staging model, so the inventory cannot drift from staging.
        Empty too where the graph has no sources (a unit test renders its model with a partial graph).
    -#}
    {%- if not execute or graph.get('sources') is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for node in graph.sources.values() | sort(attribute='unique_id') if node.meta.get('raw_file') -%}
        {%- set staging_model = 'stg_' ~ node.source_name ~ '__' ~ node.name -%}
        {%- set staging_node = graph.nodes.get('model.' ~ project_name ~ '.' ~ staging_model) -%}
        {%- if staging_node is none -%}
            {%- do exceptions.raise_compiler_error(
                'Raw table ' ~ node.meta['raw_file'] ~ ' (source ' ~ node.source_name ~ '.' ~ node.name
                ~ ') has no staging model ' ~ staging_model ~ ': every raw table is staged by stg_<source>__<table>.'
            ) -%}
        {%- endif -%}
        {%- set columns = [] -%}
        {%- for column in node.columns.values() if not column.meta.get('required', false) -%}
            {%- set staged_column = column.meta.get('staged_as', column.name) -%}
            {%- if staged_column not in staging_node.columns -%}
                {%- do exceptions.raise_compiler_error(
                    'Optional raw column ' ~ node.meta['raw_file'] ~ '.' ~ column.name ~ ' is staged as `'
                    ~ staged_column ~ '`, which ' ~ staging_model ~ ' does not document. Set meta staged_as on the'
                    ~ ' column in the sources YAML of source "' ~ node.source_name ~ '" to the staged name.'
                ) -%}
            {%- endif -%}
            {%- do columns.append({'column_name': column.name, 'staged_column': staged_column}) -%}
        {%- endfor -%}
        {%- do tables.append({
            'raw_table': node.meta['raw_file'],
            'source_name': node.source_name,
            'source_table': node.name,
            'staging_model': staging_model,
            'columns': columns,
        }) -%}
    {%- endfor -%}
    {{ return(tables) }}
{% endmacro %}
