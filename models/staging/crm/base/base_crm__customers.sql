-- Every raw CRM customer row, typed and normalized, with the reason it cannot be staged (null when it can)
-- and, for each optional typed value that cannot be kept, why (the value is then null).
with

raw_rows as (
    {{ raw_rows_numbered(source('crm', 'customers')) }}
),

-- The country once per row: phone and postcode rules depend on it (inlined, it made planning slow).
with_country as (
    select
        *,
        {{ normalize_country_code('country') }} as normalized_country_code
    from raw_rows
),

-- Each typed value converted once from what arrived.
parsed as (
    select
        *,
        {{ parse_date('birth_date') }} as parsed_birth_date,
        {{ parse_timestamp('created_at') }} as parsed_created_at,
        {{ parse_timestamp('updated_at') }} as parsed_updated_at
    from with_country
),

-- Every typed column is optional: a value that cannot be kept is set to null and listed, the row staged.
checked as (
    select
        *,
        {{ field_issue('birth_date', 'date', 'parsed_birth_date') }} as birth_date_issue,
        {{ field_issue('created_at', 'timestamp', 'parsed_created_at') }} as created_at_issue,
        {{ field_issue('updated_at', 'timestamp', 'parsed_updated_at') }} as updated_at_issue
    from parsed
),

-- The optional values as staged: null where they cannot be kept.
kept as (
    select
        *,
        case when birth_date_issue is null then parsed_birth_date end as kept_birth_date,
        case when created_at_issue is null then parsed_created_at end as kept_created_at,
        case when updated_at_issue is null then parsed_updated_at end as kept_updated_at
    from checked
),

typed as (
    select
        -- ids
        {{ clean_text('crm_customer_id') }} as crm_customer_id,

        -- strings
        {{ normalize_customer_type('customer_type') }} as customer_type,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('company_name') }} as company_name,
        {{ normalize_email('email') }} as email,
        {{ normalize_phone('phone', 'normalized_country_code') }} as phone_e164,
        {{ clean_text('street') }} as street,
        {{ normalize_postcode('postcode', 'normalized_country_code') }} as postcode,
        {{ clean_text('city') }} as city,
        normalized_country_code as country_code,
        nullif(regexp_replace(cast(national_id as varchar), '[^0-9]', '', 'g'), '') as national_id,
        {{ normalize_tax_id('tax_id') }} as tax_id,
        {{ normalize_web_domain('website') }} as website_domain,
        lower({{ clean_text('status') }}) as record_status,

        -- booleans
        {{ is_malformed_email('email') }} as is_email_malformed,

        -- dates
        kept_birth_date as birth_date,

        -- timestamps
        kept_created_at as created_at,
        kept_updated_at as updated_at,

        -- why an optional value was set to null (null when it was kept), by raw column
        birth_date_issue,
        created_at_issue,
        updated_at_issue,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ is_repeated_header('crm_customer_id') }} then 'repeated_header'
            when {{ clean_text('crm_customer_id') }} is null then 'missing_key'
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
            'crm_customer_id', 'updated_at desc nulls last, raw_record asc'
        ) }} as rejection_reason
    from typed
)

select * from final
