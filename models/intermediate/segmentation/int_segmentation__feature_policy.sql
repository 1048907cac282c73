-- The policy seed with, for each feature, whether any model of the project tags a column of that name as PII.
{%- set pii_column_list = "cast(['" ~ (pii_tagged_columns() | join("', '")) ~ "'] as varchar[])" %}
with

policy as (
    select * from {{ ref('segmentation_feature_policy') }}
),

final as (
    select
        feature_name,
        is_allowed,
        use_for_clustering,
        weight,
        transform,
        impute,
        reason,
        list_contains({{ pii_column_list }}, feature_name) as is_pii_tagged
    from policy
)

select * from final
