-- Every raw third-party company row, typed, with the reason it cannot be staged (null when it can) and, for
-- each optional typed value that cannot be kept, why (the value is then null).
with

raw_rows as (
    {{ raw_rows_numbered(source('thirdparty', 'firmographics')) }}
),

-- The country once per row: phone and postcode rules depend on it (inlined, it made planning slow).
with_country as (
    select
        *,
        {{ normalize_country_code('country_code') }} as normalized_country_code
    from raw_rows
),

-- Each typed value converted once from what arrived.
parsed as (
    select
        *,
        try_cast(employee_count as integer) as parsed_employee_count,
        try_cast(annual_revenue_usd as decimal(18, 2)) as parsed_annual_revenue_usd,
        try_cast(credit_score as integer) as parsed_credit_score,
        {{ parse_date('snapshot_date') }} as parsed_snapshot_date
    from with_country
),

-- Every typed column is optional: a value that cannot be kept is set to null and listed, the row staged.
checked as (
    select
        *,
        {{ field_issue('employee_count', 'integer', 'parsed_employee_count') }} as employee_count_issue,
        {{ field_issue('annual_revenue_usd', 'decimal(18, 2)', 'parsed_annual_revenue_usd') }}
            as annual_revenue_usd_issue,
        {{ field_issue('credit_score', 'integer', 'parsed_credit_score') }} as credit_score_issue,
        {{ field_issue('snapshot_date', 'date', 'parsed_snapshot_date') }} as snapshot_date_issue
    from parsed
),

-- The optional values as staged: null where they cannot be kept.
kept as (
    select
        *,
        case when employee_count_issue is null then parsed_employee_count end as kept_employee_count,
        case when annual_revenue_usd_issue is null then parsed_annual_revenue_usd end as kept_annual_revenue_usd,
        case when credit_score_issue is null then parsed_credit_score end as kept_credit_score,
        case when snapshot_date_issue is null then parsed_snapshot_date end as kept_snapshot_date
    from checked
),

typed as (
    select
        -- ids
        {{ clean_text('thirdparty_id') }} as thirdparty_id,

        -- strings
        {{ clean_text('company_name') }} as company_name,
        {{ normalize_web_domain('web_domain') }} as web_domain,
        {{ normalize_tax_id('tax_id') }} as tax_id,
        {{ clean_text('street') }} as street,
        {{ normalize_postcode('postcode', 'normalized_country_code') }} as postcode,
        {{ clean_text('city') }} as city,
        normalized_country_code as country_code,
        {{ clean_text('industry') }} as industry,

        -- numerics
        kept_employee_count as employee_count,
        kept_annual_revenue_usd as annual_revenue_usd,
        kept_credit_score as credit_score,

        -- dates
        kept_snapshot_date as snapshot_date,

        -- why an optional value was set to null (null when it was kept), by raw column
        employee_count_issue,
        annual_revenue_usd_issue,
        credit_score_issue,
        snapshot_date_issue,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ is_repeated_header('thirdparty_id') }} then 'repeated_header'
            when {{ clean_text('thirdparty_id') }} is null then 'missing_key'
            when {{ clean_text('company_name') }} is null then 'missing_required_value'
            when kept_employee_count < 0 then 'negative_count'
            when kept_annual_revenue_usd < 0 then 'negative_amount'
            when kept_credit_score not between 1 and 100 then 'out_of_range'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from kept
),

final as (
    select
        * exclude (row_rejection_reason),
        -- The provider's latest view of a company is staged.
        {{ final_rejection_reason(
            'thirdparty_id', 'snapshot_date desc nulls last, raw_record asc'
        ) }} as rejection_reason
    from typed
)

select * from final
