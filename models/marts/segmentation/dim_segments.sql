-- Every segment (the catalog's and those clustering generated) with what it holds at the as-of date,
-- and for cluster segments the centroid of the current run in the features' own units and the name
-- generated from it.
with

segments as (
    select * from {{ ref('int_segmentation__segments') }}
),

customer_segments as (
    select * from {{ ref('int_segmentation__assignments') }}
),

runs as (
    select * from {{ ref('int_segmentation__runs') }}
),

current_run as (
    select
        run_id,
        as_of_date,
        cast(run_record as json) as run_record
    from runs
    where is_current
),

segment_counts as (
    select
        segment_code,
        count(*) as customer_count,
        count(*) filter (where assignment_source = 'cluster') as clustered_customer_count,
        count(*) filter (where assignment_source = 'override') as overridden_customer_count
    from customer_segments
    group by segment_code
),

segment_paths as (
    select
        *,
        '$.centroids."' || segment_code || '"' as centroid_path,
        '$.segments."' || segment_code || '".generated_name' as generated_name_path
    from segments
),

final as (
    select
        segments.segment_code,
        segments.segment_name,
        segments.description as segment_description,
        segments.assignment_source,
        segments.name_source,
        json_extract_string(current_run.run_record, segments.generated_name_path) as generated_name,
        segments.service_model,
        segments.sla_tier,
        segments.sla_first_response_hours,
        segments.retired_on is not null and segments.retired_on <= current_run.as_of_date as is_retired,
        segments.retired_on,
        segments.replaced_by_segment_code,
        segments.retirement_reason,
        coalesce(segment_counts.customer_count, 0) as customer_count,
        round(
            coalesce(segment_counts.customer_count, 0) / sum(coalesce(segment_counts.customer_count, 0)) over (), 4
        ) as customer_share,
        coalesce(segment_counts.clustered_customer_count, 0) as clustered_customer_count,
        coalesce(segment_counts.overridden_customer_count, 0) as overridden_customer_count,
        -- {"feature": value} in original units; null for segments the current run has no cluster for.
        case
            when json_exists(current_run.run_record, segments.centroid_path)
                then cast(map_from_entries(list_zip(
                    cast(json_extract(current_run.run_record, '$.feature_names') as varchar[]),
                    cast(json_extract(current_run.run_record, segments.centroid_path) as double[])
                )) as json)
        end as centroid,
        current_run.run_id as model_version,
        current_run.as_of_date
    from segment_paths as segments
    cross join current_run
    left join segment_counts
        on segments.segment_code = segment_counts.segment_code
)

select * from final
