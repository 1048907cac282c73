-- The as-of dates the history holds: every date a build was snapshotted at, with the date before it
-- and when it was first recorded. Migration and drift compare consecutive dates; the segment history
-- ends a removed customer's last version at the first date recorded after the removal.
with

segment_versions as (
    select * from {{ ref('snp_customer_segments') }}
),

attribute_versions as (
    select * from {{ ref('snp_customer_attributes') }}
),

snapshot_rows as (
    select
        as_of_date,
        dbt_valid_from
    from segment_versions
    union all
    select
        as_of_date,
        dbt_valid_from
    from attribute_versions
),

recorded_dates as (
    select
        as_of_date,
        min(dbt_valid_from) as first_recorded_at
    from snapshot_rows
    group by as_of_date
),

final as (
    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date,
        first_recorded_at
    from recorded_dates
)

select * from final
