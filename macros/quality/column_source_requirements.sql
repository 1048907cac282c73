{% macro column_source_requirements(model_name=none) %}
    {#-
        Every model column whose values need an optional source, as its YAML declares it in column meta:
        `requires` (every listed item must be present) and `requires_one_of` (at least one), items being a raw
        table (`support_tickets`) or an optional raw column (`erp_invoices.cost_amount`); `completeness_check: true`
        marks a flag the data completeness score counts. Only the columns of model_name when given. Empty while
        dbt parses (and items are not checked where the graph has no sources: a unit test's partial graph). Stops with a message when an item is not a raw table or optional column of the contract.
    -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set known = {} -%}
    {%- set inventory = raw_source_inventory() -%}
    {%- for table in inventory -%}
        {%- do known.update({table.raw_table: true}) -%}
        {%- for column in table.columns -%}
            {%- do known.update({table.raw_table ~ '.' ~ column.column_name: true}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set requirements = [] -%}
    {%- for node in graph.get('nodes', {}).values() | sort(attribute='unique_id')
        if node.resource_type == 'model' and node.package_name == project_name
        and (model_name is none or node.name == model_name) -%}
        {%- for column in node.columns.values() -%}
            {%- set all_of = column.meta.get('requires', []) -%}
            {%- set one_of = column.meta.get('requires_one_of', []) -%}
            {%- if all_of or one_of -%}
                {%- for item in all_of + one_of if inventory and item not in known -%}
                    {%- do exceptions.raise_compiler_error(
                        'Column ' ~ node.name ~ '.' ~ column.name ~ ' requires `' ~ item ~ '`, which is neither a raw'
                        ~ ' table nor an optional raw column of the contract (sources YAML). Write `raw_table` or'
                        ~ ' `raw_table.optional_column`, e.g. `erp_invoices.cost_amount`.'
                    ) -%}
                {%- endfor -%}
                {%- do requirements.append({
                    'model_name': node.name,
                    'column_name': column.name,
                    'requires': all_of,
                    'requires_one_of': one_of,
                    'is_completeness_check': column.meta.get('completeness_check', false),
                }) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(requirements) }}
{% endmacro %}
