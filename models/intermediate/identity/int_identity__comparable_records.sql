-- Party records with the identifiers that may serve as evidence (blocked values removed), one row per
-- record: the input of blocking and of every pairwise comparison.
with

party_records as (
    select * from {{ ref('int_identity__party_records') }}
),

identifier_values as (
    select * from {{ ref('int_identity__identifier_values') }}
),

usable_identifiers as (
    select
        record_number,
        max(case when identifier_type = 'email' then identifier_value end) as email_key,
        max(case when identifier_type = 'phone' then identifier_value end) as phone_key,
        max(case when identifier_type = 'tax_id' then identifier_value end) as tax_id_key,
        max(case when identifier_type = 'national_id' then identifier_value end) as national_id_key,
        list(identifier_value order by identifier_value) filter (where identifier_type = 'web_domain')
            as web_domain_keys
    from identifier_values
    where blocked_reason is null
    group by record_number
),

final as (
    select
        party_records.record_number,
        party_records.source_record_key,
        party_records.source_system,
        party_records.party_type,
        party_records.first_name_std,
        party_records.last_name_std,
        party_records.company_name_std,
        party_records.street_std,
        party_records.house_number,
        party_records.postcode,
        party_records.city_std,
        party_records.country_code,
        party_records.birth_date,
        usable_identifiers.email_key,
        usable_identifiers.phone_key,
        usable_identifiers.tax_id_key,
        usable_identifiers.national_id_key,
        usable_identifiers.web_domain_keys
    from party_records
    left join usable_identifiers
        on party_records.record_number = usable_identifiers.record_number
)

select * from final
