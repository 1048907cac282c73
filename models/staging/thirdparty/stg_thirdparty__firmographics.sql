with

firmographics as (
    select * from {{ ref('base_thirdparty__firmographics') }}
),

final as (
    select
        -- ids
        thirdparty_id,

        -- strings
        company_name,
        web_domain,
        tax_id,
        street,
        postcode,
        city,
        country_code,
        industry,

        -- numerics
        employee_count,
        annual_revenue_usd,
        credit_score,

        -- dates
        snapshot_date
    from firmographics
    where rejection_reason is null
)

select * from final
