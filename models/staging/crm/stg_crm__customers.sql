with

customers as (
    select * from {{ ref('base_crm__customers') }}
),

final as (
    select
        -- ids
        crm_customer_id,

        -- strings
        customer_type,
        first_name,
        last_name,
        company_name,
        email,
        phone_e164,
        street,
        postcode,
        city,
        country_code,
        national_id,
        tax_id,
        website_domain,
        record_status,

        -- booleans
        is_email_malformed,

        -- dates
        birth_date,

        -- timestamps
        created_at,
        updated_at
    from customers
    where rejection_reason is null
)

select * from final
