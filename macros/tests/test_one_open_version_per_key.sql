{% test one_open_version_per_key(model, column_name, valid_to_column='dbt_valid_to') %}
    {#- A snapshot holds at most one current version (valid_to null) per key: two would make "the current
        segment" of a customer ambiguous. Fails with one row per key that has several. -#}

with

open_versions as (
    select
        {{ column_name }} as snapshot_key,
        count(*) as open_version_count
    from {{ model }}
    where {{ valid_to_column }} is null
    group by {{ column_name }}
),

validation_errors as (
    select *
    from open_versions
    where open_version_count > 1
)

select * from validation_errors

{% endtest %}
