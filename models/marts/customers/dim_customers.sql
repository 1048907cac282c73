-- The golden customer record: one row per customer id, each attribute from the source that survivorship chose.
with

golden_records as (
    select * from {{ ref('int_identity__golden_records') }}
),

final as (
    select
        -- ids
        customer_id,

        -- attributes
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

        -- where each attribute came from
        name_source_record_key,
        email_source_record_key,
        phone_source_record_key,
        address_source_record_key,
        tax_id_source_record_key,
        national_id_source_record_key,
        web_domain_source_record_key,
        birth_date_source_record_key,

        -- history
        source_record_count,
        source_systems,
        first_seen_at,
        last_updated_at
    from golden_records
)

select * from final
