{% macro star_with_absent_sources_nulled(relation_alias) %}
    {#-
        `relation_alias.*` with every column of the current model that declares source requirements (YAML meta
        `requires` / `requires_one_of`, see column_source_requirements) set to null where this run lacks its
        sources: a feature or KPI whose source is absent is unknown, never 0. Completeness-check flags are kept
        (the completeness score counts them only where their sources are present). Reads the
        `available_columns` CTE (macro available_columns).
    -#}
    {%- set nulled = column_source_requirements(model.name) | rejectattr('is_completeness_check') | list -%}
    {{ relation_alias }}.*
    {%- if nulled %} replace (
        {%- for requirement in nulled %}
        case
            when available_columns.{{ requirement.column_name }}__is_available
                then {{ relation_alias }}.{{ requirement.column_name }}
        end as {{ requirement.column_name }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
    {%- endif %}
{%- endmacro %}
