-- Every raw ERP customer row, typed, with the reason it cannot be staged (null when it can) and, for each
-- optional typed value that cannot be kept, why (the value is then null).
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

-- Each typed value converted once from what arrived.
parsed as (
    select
        *,
        try_cast(payment_terms_days as integer) as parsed_payment_terms_days,
        try_cast(credit_limit as decimal(18, 2)) as parsed_credit_limit,
        {{ parse_date('created_on') }} as parsed_created_on,
        {{ parse_timestamp('last_modified_at') }} as parsed_last_modified_at
    from with_country
),

-- Every typed column is optional: a value that cannot be kept is set to null and listed, the row staged.
checked as (
    select
        *,
        {{ field_issue('payment_terms_days', 'integer', 'parsed_payment_terms_days') }} as payment_terms_days_issue,
        {{ field_issue('credit_limit', 'decimal(18, 2)', 'parsed_credit_limit') }} as credit_limit_issue,
        {{ field_issue('created_on', 'date', 'parsed_created_on') }} as created_on_issue,
        {{ field_issue('last_modified_at', 'timestamp', 'parsed_last_modified_at') }} as last_modified_at_issue
    from parsed
),

-- The optional values as staged: null where they cannot be kept.
kept as (
    select
        *,
        case when payment_terms_days_issue is null then parsed_payment_terms_days end as kept_payment_terms_days,
        case when credit_limit_issue is null then parsed_credit_limit end as kept_credit_limit,
        case when created_on_issue is null then parsed_created_on end as kept_created_on,
        case when last_modified_at_issue is null then parsed_last_modified_at end as kept_last_modified_at
    from checked
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
        kept_payment_terms_days as payment_terms_days,
        kept_credit_limit as credit_limit,

        -- booleans
        {{ is_malformed_email('email') }} as is_email_malformed,

        -- dates
        kept_created_on as opened_date,

        -- timestamps
        kept_last_modified_at as updated_at,

        -- why an optional value was set to null (null when it was kept), by raw column
        payment_terms_days_issue,
        credit_limit_issue,
        created_on_issue,
        last_modified_at_issue,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ is_repeated_header('erp_customer_id') }} then 'repeated_header'
            when {{ clean_text('erp_customer_id') }} is null then 'missing_key'
            when {{ clean_text('customer_name') }} is null then 'missing_required_value'
            when kept_credit_limit < 0 then 'negative_amount'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from kept
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
