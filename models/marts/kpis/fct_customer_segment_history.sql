-- Every customer's segment over time in business time: one row per version of the assignment
-- snapshot, valid from the as-of date of the build that first saw it until the as-of date of the
-- next version. Downstream systems read the changes since their last sync from it.
with

segment_versions as (
    select * from {{ ref('snp_customer_segments') }}
),

segmentation_as_of_dates as (
    select * from {{ ref('fct_segmentation_as_of_dates') }}
),

segments as (
    select * from {{ ref('dim_segments') }}
),

-- Two versions with the same as-of date come from rebuilding one period on changed data: the later stands.
latest_per_as_of_date as (
    select *
    from segment_versions
    qualify row_number() over (partition by customer_id, as_of_date order by dbt_valid_from desc) = 1
),

sequenced as (
    select
        *,
        lag(segment_code) over customer_versions as previous_segment_code,
        lead(as_of_date) over customer_versions as next_as_of_date
    from latest_per_as_of_date
    window customer_versions as (partition by customer_id order by as_of_date, dbt_valid_from)
),

-- A last version closed without a successor is a customer that left (e.g. merged into another id); it
-- ends at the first as-of date recorded at or after its closing.
removals as (
    select
        sequenced.customer_id,
        sequenced.as_of_date,
        min(segmentation_as_of_dates.as_of_date) as removed_as_of_date
    from sequenced
    inner join segmentation_as_of_dates
        on
            sequenced.dbt_valid_to <= segmentation_as_of_dates.first_recorded_at
            and sequenced.as_of_date < segmentation_as_of_dates.as_of_date
    where sequenced.next_as_of_date is null and sequenced.dbt_valid_to is not null
    group by sequenced.customer_id, sequenced.as_of_date
),

final as (
    select
        sequenced.customer_id,
        sequenced.as_of_date as valid_from_date,
        coalesce(sequenced.next_as_of_date, removals.removed_as_of_date) as valid_to_date,
        sequenced.segment_code,
        segments.segment_name,
        sequenced.previous_segment_code,
        case
            when sequenced.previous_segment_code is null then 'entered'
            when sequenced.previous_segment_code != sequenced.segment_code then 'moved'
            else 'reclassified'
        end as change_type,
        sequenced.assignment_source,
        sequenced.decided_by,
        sequenced.value_tier,
        sequenced.lifecycle_stage,
        sequenced.model_version,
        sequenced.next_as_of_date is null and sequenced.dbt_valid_to is null as is_current,
        removals.removed_as_of_date is not null as is_removed,
        sequenced.dbt_valid_from as recorded_at
    from sequenced
    left join removals
        on
            sequenced.customer_id = removals.customer_id
            and sequenced.as_of_date = removals.as_of_date
    left join segments
        on sequenced.segment_code = segments.segment_code
)

select * from final
