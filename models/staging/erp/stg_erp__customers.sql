with

customers as (
    select * from {{ ref('base_erp__customers') }}
),

final as (
    select
        -- ids
        erp_customer_id,

        -- strings
        customer_name,
        customer_type,
        tax_id,
        email,
        phone_e164,
        street,
        postcode,
        city,
        country_code,

        -- numerics
        payment_terms_days,
        credit_limit,

        -- booleans
        is_email_malformed,

        -- dates
        opened_date,

        -- timestamps
        updated_at
    from customers
    where rejection_reason is null
)

select * from final
