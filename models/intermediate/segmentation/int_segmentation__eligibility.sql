-- depends_on: {{ ref('segmentation_feature_policy') }}
-- Which customers clustering may place, and why the others go to the fallback segment: the reason of
-- int_segmentation__population, else a clustering feature of the current run the customer lacks
-- (one the run uses and the policy does not impute), named.
{%- set candidate_features = segmentation_clustering_features() %}
with

population as (
    select * from {{ ref('int_segmentation__population') }}
),

customer_features as (
    select * from {{ ref('int_features__customer_features') }}
),

runs as (
    select * from {{ ref('int_segmentation__runs') }}
),

current_run as (
    select
        coalesce(
            cast(json_extract(cast(run_record as json), '$.required_features') as varchar[]), cast([] as varchar[])
        ) as required_features
    from runs
    where is_current
),

judged as (
    select
        population.customer_id,
        population.as_of_date,
        population.fallback_reason as population_fallback_reason,
        -- The first candidate, in name order, that the run requires and the customer lacks.
        coalesce(
            {%- for feature in candidate_features %}
            case
                when
                    list_contains(current_run.required_features, '{{ feature }}')
                    and customer_features.{{ feature }} is null
                    then '{{ feature }}'
            end,
            {%- endfor %}
            cast(null as varchar)
        ) as missing_feature
    from population
    cross join current_run
    inner join customer_features
        on population.customer_id = customer_features.customer_id
),

final as (
    select
        customer_id,
        as_of_date,
        coalesce(
            population_fallback_reason,
            case when missing_feature is not null then 'missing_clustering_feature' end
        ) as fallback_reason,
        case when population_fallback_reason is null then missing_feature end as missing_clustering_feature,
        population_fallback_reason is null and missing_feature is null as is_clusterable
    from judged
)

select * from final
