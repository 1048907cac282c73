-- Every segment a customer can hold: the catalog's (cluster segments whose profile a centroid matched,
-- the rule and fallback segments, retired ones) and the segments clustering generated because no
-- catalog profile described their centroid, with the name and description generated from the centroid
-- of the latest run that had them, unless a steward renamed them (seed segment_names).
{%- set generated = var('segmentation_generated_segment_service') %}
with

catalog as (
    select * from {{ ref('segment_catalog') }}
),

runs as (
    select * from {{ ref('int_segmentation__runs') }}
),

segment_names as (
    select * from {{ ref('segment_names') }}
),

run_segments as (
    select
        run_id,
        is_current,
        recorded_at,
        cast(run_record as json) as run_record,
        unnest(json_keys(cast(run_record as json), '$.segments')) as segment_code
    from runs
),

run_segment_paths as (
    select
        *,
        '$.segments."' || segment_code || '"' as segment_path
    from run_segments
),

generated_segments as (
    select
        segment_code,
        run_id,
        json_extract_string(run_record, segment_path || '.name') as generated_name,
        json_extract_string(run_record, segment_path || '.description') as generated_description
    from run_segment_paths
    where json_extract_string(run_record, segment_path || '.origin') = 'generated'
    qualify row_number() over (partition by segment_code order by is_current desc, recorded_at desc, run_id asc) = 1
),

catalog_segments as (
    select
        segment_code,
        segment_name,
        description,
        assignment_source,
        profile,
        service_model,
        sla_tier,
        sla_first_response_hours,
        retired_on,
        replaced_by_segment_code,
        retirement_reason,
        'catalog' as name_source,
        cast(null as varchar) as generated_name,
        cast(null as varchar) as renamed_by,
        cast(null as date) as renamed_on,
        cast(null as varchar) as latest_run_id
    from catalog
),

named_generated_segments as (
    select
        generated_segments.segment_code,
        coalesce(segment_names.segment_name, generated_segments.generated_name) as segment_name,
        coalesce(segment_names.description, generated_segments.generated_description) as description,
        'cluster' as assignment_source,
        cast(null as varchar) as profile,
        '{{ generated["service_model"] }}' as service_model,
        '{{ generated["sla_tier"] }}' as sla_tier,
        cast({{ generated["sla_first_response_hours"] }} as integer) as sla_first_response_hours,
        cast(null as date) as retired_on,
        cast(null as varchar) as replaced_by_segment_code,
        cast(null as varchar) as retirement_reason,
        case when segment_names.segment_name is not null then 'steward' else 'generated' end as name_source,
        generated_segments.generated_name,
        segment_names.renamed_by,
        segment_names.renamed_on,
        generated_segments.run_id as latest_run_id
    from generated_segments
    left join segment_names
        on generated_segments.segment_code = segment_names.segment_code
),

final as (
    select * from catalog_segments
    union all
    select * from named_generated_segments
)

select * from final
