-- Every staged customer record of every source system in one shape, standardized for matching.
with

crm_customers as (
    select * from {{ ref('stg_crm__customers') }}
),

erp_customers as (
    select * from {{ ref('stg_erp__customers') }}
),

thirdparty_firmographics as (
    select * from {{ ref('stg_thirdparty__firmographics') }}
),

crm_records as (
    select
        'crm' as source_system,
        crm_customer_id as source_record_id,
        customer_type as party_type,
        first_name,
        last_name,
        company_name,
        email,
        phone_e164,
        street,
        postcode,
        city,
        country_code,
        tax_id,
        national_id,
        website_domain as web_domain,
        birth_date,
        record_status,
        created_at,
        updated_at
    from crm_customers
),

erp_records as (
    select
        'erp' as source_system,
        erp_customer_id as source_record_id,
        customer_type as party_type,
        -- ERP keeps one name field: 'SMITH, John' or 'John Smith' for persons.
        case
            when customer_type = 'person' and customer_name like '%,%'
                then trim(split_part(customer_name, ',', 2))
            when customer_type = 'person' then split_part(customer_name, ' ', 1)
        end as first_name,
        case
            when customer_type = 'person' and customer_name like '%,%'
                then trim(split_part(customer_name, ',', 1))
            when customer_type = 'person' then nullif(trim(substr(customer_name, strpos(customer_name, ' ') + 1)), '')
        end as last_name,
        case when coalesce(customer_type, '') <> 'person' then customer_name end as company_name,
        email,
        phone_e164,
        street,
        postcode,
        city,
        country_code,
        tax_id,
        null::varchar as national_id,
        null::varchar as web_domain,
        null::date as birth_date,
        'active' as record_status,
        opened_date::timestamp as created_at,
        updated_at
    from erp_customers
),

thirdparty_records as (
    select
        'thirdparty' as source_system,
        thirdparty_id as source_record_id,
        'organization' as party_type,
        null::varchar as first_name,
        null::varchar as last_name,
        company_name,
        null::varchar as email,
        null::varchar as phone_e164,
        street,
        postcode,
        city,
        country_code,
        tax_id,
        null::varchar as national_id,
        web_domain,
        null::date as birth_date,
        'active' as record_status,
        null::timestamp as created_at,
        snapshot_date::timestamp as updated_at
    from thirdparty_firmographics
),

source_records as (
    select * from crm_records
    union all
    select * from erp_records
    union all
    select * from thirdparty_records
),

standardized as (
    select
        source_system || ':' || source_record_id as source_record_key,
        source_system,
        source_record_id,
        party_type,
        first_name,
        last_name,
        company_name,
        email,
        phone_e164,
        street,
        postcode,
        city,
        country_code,
        tax_id,
        national_id,
        web_domain,
        birth_date,
        record_status,
        created_at,
        updated_at,
        {{ standardize_name('first_name') }} as first_name_std,
        {{ standardize_name('last_name') }} as last_name_std,
        {{ strip_legal_form(standardize_name('company_name')) }} as company_name_std,
        {{ standardize_street('street', 'country_code') }} as street_std,
        nullif(regexp_extract(street, '[0-9]+'), '') as house_number,
        {{ standardize_name('city') }} as city_std,
        split_part(email, '@', 2) as email_domain
    from source_records
),

final as (
    select
        -- A dense integer per record in key order: joins and pair keys within one build are cheaper on it.
        row_number() over (order by source_record_key) as record_number,
        *
    from standardized
)

select * from final
