-- The golden customer record: one row per customer id, each attribute from the source that survivorship chose.
-- Public: direct identifiers leave only as keyed digests or masked (the raw values stay in
-- int_identity__golden_records, which is not public).
with

golden_records as (
    select * from {{ ref('int_identity__golden_records') }}
),

customer_identifiers as (
    select * from {{ ref('int_governance__customer_identifiers') }}
),

-- A tax id that is one of the customer's own national ids (a sole proprietor's tax number can be their
-- social security number) is personal data, whatever country prefix either carries.
personal_tax_ids as (
    select distinct golden_records.customer_id
    from golden_records
    inner join customer_identifiers
        on
            golden_records.customer_id = customer_identifiers.customer_id
            and customer_identifiers.identifier_type = 'national_id'
            and regexp_replace(golden_records.tax_id, '^[A-Z]{2}', '') = customer_identifiers.bare_identifier_value
),

customers as (
    select
        golden_records.*,
        personal_tax_ids.customer_id is not null as is_tax_id_withheld
    from golden_records
    left join personal_tax_ids
        on golden_records.customer_id = personal_tax_ids.customer_id
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
        case when not is_tax_id_withheld then tax_id end as tax_id,
        is_tax_id_withheld,
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
    from customers
)

select * from final
