-- Every raw third-party company row, typed, with the reason it cannot be staged (null when it can).
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
        try_cast(employee_count as integer) as employee_count,
        try_cast(annual_revenue_usd as decimal(18, 2)) as annual_revenue_usd,
        try_cast(credit_score as integer) as credit_score,

        -- dates
        try_cast(snapshot_date as date) as snapshot_date,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ clean_text('thirdparty_id') }} is null then 'missing_key'
            when {{ clean_text('company_name') }} is null then 'missing_required_value'
            when
                {{ is_unparseable('employee_count', 'integer') }}
                or {{ is_unparseable('annual_revenue_usd', 'decimal(18, 2)') }}
                or {{ is_unparseable('credit_score', 'integer') }}
                or {{ is_unparseable('snapshot_date', 'date') }}
                then 'unparseable_value'
            when try_cast(employee_count as integer) < 0 then 'negative_count'
            when try_cast(annual_revenue_usd as decimal(18, 2)) < 0 then 'negative_amount'
            when try_cast(credit_score as integer) not between 1 and 100 then 'out_of_range'
            when try_cast(snapshot_date as date) > {{ max_valid_date() }} then 'future_date'
            when try_cast(snapshot_date as date) < {{ min_valid_date() }} then 'implausible_date'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from with_country
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
