{% test null_where_source_absent(model, availability) %}
    {#-
        Every column of the model that declares source requirements (YAML meta `requires` / `requires_one_of`)
        is null in every row when the availability model (int_column_availability) says this run lacks its
        sources: a feature or KPI without its source is unknown, never 0. Completeness-check flags are exempt.
    -#}
    {%- set nulled = column_source_requirements(model.identifier) | rejectattr('is_completeness_check') | list %}
    {%- if execute and not nulled %}
        {{ exceptions.raise_compiler_error(
            "null_where_source_absent on " ~ model.identifier ~ ": no column of it declares meta `requires` or"
            ~ " `requires_one_of`; declare the sources of its columns or remove the test."
        ) }}
    {%- endif %}

with

absent_columns as (
    select column_name from {{ availability }}
    where model_name = '{{ model.identifier }}' and not is_available
),

validation_errors as (
    {%- for requirement in nulled %}
    select
        '{{ requirement.column_name }}' as column_name,
        count(*) as rows_with_a_value
    from {{ model }}
    where
        {{ requirement.column_name }} is not null
        and '{{ requirement.column_name }}' in (select column_name from absent_columns)
    having count(*) > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from validation_errors
{% endtest %}
