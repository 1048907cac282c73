-- Third-party firmographics per customer: the latest delivery on or before the as-of date.
with

firmographics as (
    select * from {{ ref('stg_thirdparty__firmographics') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

customer_firmographics as (
    select
        crosswalk.customer_id,
        firmographics.thirdparty_id,
        firmographics.industry,
        firmographics.employee_count,
        firmographics.annual_revenue_usd,
        firmographics.credit_score,
        firmographics.snapshot_date,
        as_of_date.as_of_date
    from firmographics
    inner join crosswalk
        on
            firmographics.thirdparty_id = crosswalk.source_record_id
            and crosswalk.source_system = 'thirdparty'
    inner join as_of_date
        on coalesce(firmographics.snapshot_date, as_of_date.as_of_date) <= as_of_date.as_of_date
),

final as (
    select
        customer_id,
        arg_max(industry, (snapshot_date, thirdparty_id)) as industry,
        arg_max(employee_count, (snapshot_date, thirdparty_id)) as employee_count,
        arg_max(annual_revenue_usd, (snapshot_date, thirdparty_id)) as annual_revenue_usd,
        arg_max(credit_score, (snapshot_date, thirdparty_id)) as credit_score,
        max(snapshot_date) as firmographics_snapshot_date,
        max(as_of_date) - max(snapshot_date) as firmographics_age_days
    from customer_firmographics
    group by customer_id
)

select * from final
