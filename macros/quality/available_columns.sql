{% macro available_columns(availability_relation) %}
    {#-
        Body of a one-row CTE with, for each column of the current model that declares source requirements
        (column_source_requirements), a boolean `<column>__is_available` read from int_column_availability,
        which star_with_absent_sources_nulled and the completeness score read. int_column_availability has a
        row for every declared column; a column without one counts as available. A unit test renders its model
        without the project's graph, so there the model declares nothing and nulls nothing (its fixtures are
        the sources). availability_relation: the import CTE of int_column_availability.
    -#}
    {%- set requirements = column_source_requirements(model.name) %}
    select
        count(*) as availability_row_count{{ ',' if requirements }}
        {%- for requirement in requirements %}
        coalesce(bool_and(is_available) filter (where column_name = '{{ requirement.column_name }}'), true)
            as {{ requirement.column_name }}__is_available{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ availability_relation }}
    where model_name = '{{ model.name }}'
{% endmacro %}
