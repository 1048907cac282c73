-- The golden customer record: one row per customer id, each attribute from the source that survivorship chose.
-- Public: direct identifiers leave only as keyed digests or masked (the raw values stay in
-- int_identity__golden_records, which is not public).
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
        {{ mask_email('email') }} as email_masked,
        {{ hash_pii('email') }} as email_hash,
        {{ hash_pii('phone_e164') }} as phone_hash,
        street,
        postcode,
        city,
        country_code,
        tax_id,
        {{ hash_pii('national_id') }} as national_id_hash,
        web_domain,
        cast(year(birth_date) as integer) as birth_year,

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
