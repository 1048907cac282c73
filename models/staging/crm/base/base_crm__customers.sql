-- Every raw CRM customer row, typed and normalized, with the reason it cannot be staged (null when it can).
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
        try_cast(birth_date as date) as birth_date,

        -- timestamps
        try_cast(created_at as timestamp) as created_at,
        try_cast(updated_at as timestamp) as updated_at,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ clean_text('crm_customer_id') }} is null then 'missing_key'
            when
                {{ is_unparseable('birth_date', 'date') }}
                or {{ is_unparseable('created_at', 'timestamp') }}
                or {{ is_unparseable('updated_at', 'timestamp') }}
                then 'unparseable_value'
            when
                try_cast(birth_date as date) > {{ max_valid_date() }}
                or try_cast(created_at as timestamp) > {{ max_valid_date() }} + interval 1 day
                or try_cast(updated_at as timestamp) > {{ max_valid_date() }} + interval 1 day
                then 'future_date'
            when
                try_cast(birth_date as date) < {{ min_valid_date() }}
                or try_cast(created_at as timestamp) < {{ min_valid_date() }}
                or try_cast(updated_at as timestamp) < {{ min_valid_date() }}
                then 'implausible_date'
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
            'crm_customer_id', 'updated_at desc nulls last, raw_record asc'
        ) }} as rejection_reason
    from typed
)

select * from final
