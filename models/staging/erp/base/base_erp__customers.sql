-- Every raw ERP customer row, typed, with the reason it cannot be staged (null when it can).
with

raw_rows as (
    {{ raw_rows_numbered(source('erp', 'customers')) }}
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
        {{ clean_text('erp_customer_id') }} as erp_customer_id,

        -- strings
        {{ clean_text('customer_name') }} as customer_name,
        {{ normalize_customer_type('customer_type') }} as customer_type,
        {{ normalize_tax_id('vat_number') }} as tax_id,
        {{ normalize_email('email') }} as email,
        {{ normalize_phone('phone', 'normalized_country_code') }} as phone_e164,
        {{ clean_text('address_line1') }} as street,
        {{ normalize_postcode('postal_code', 'normalized_country_code') }} as postcode,
        {{ clean_text('city') }} as city,
        normalized_country_code as country_code,

        -- numerics
        try_cast(payment_terms_days as integer) as payment_terms_days,
        try_cast(credit_limit as decimal(18, 2)) as credit_limit,

        -- booleans
        {{ is_malformed_email('email') }} as is_email_malformed,

        -- dates
        try_cast(created_on as date) as opened_date,

        -- timestamps
        try_cast(last_modified_at as timestamp) as updated_at,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ clean_text('erp_customer_id') }} is null then 'missing_key'
            when {{ clean_text('customer_name') }} is null then 'missing_required_value'
            when
                {{ is_unparseable('payment_terms_days', 'integer') }}
                or {{ is_unparseable('credit_limit', 'decimal(18, 2)') }}
                or {{ is_unparseable('created_on', 'date') }}
                or {{ is_unparseable('last_modified_at', 'timestamp') }}
                then 'unparseable_value'
            when
                try_cast(created_on as date) > {{ max_valid_date() }}
                or try_cast(last_modified_at as timestamp) > {{ max_valid_date() }} + interval 1 day
                then 'future_date'
            when
                try_cast(created_on as date) < {{ min_valid_date() }}
                or try_cast(last_modified_at as timestamp) < {{ min_valid_date() }}
                then 'implausible_date'
            when try_cast(credit_limit as decimal(18, 2)) < 0 then 'negative_amount'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from with_country
),

final as (
    select
        * exclude (row_rejection_reason),
        -- Two different rows under one id: the most recently changed one is staged.
        {{ final_rejection_reason(
            'erp_customer_id', 'updated_at desc nulls last, raw_record asc'
        ) }} as rejection_reason
    from typed
)

select * from final
