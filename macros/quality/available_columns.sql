{% macro available_columns(availability_relation) %}
    {#-
        Body of a one-row CTE with, for each column of the current model that declares source requirements
        (column_source_requirements), a boolean `<column>__is_available` read from int_column_availability,
        which star_with_absent_sources_nulled and the completeness score read. availability_relation: the
        import CTE of int_column_availability.
    -#}
    {%- set requirements = column_source_requirements(model.name) %}
    select
        {%- for requirement in requirements %}
        bool_and(is_available) filter (where column_name = '{{ requirement.column_name }}')
            as {{ requirement.column_name }}__is_available{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ availability_relation }}
    where model_name = '{{ model.name }}'
{% endmacro %}
