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

with_identifiers as (
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
        usable_identifiers.web_domain_keys,
        -- Blocking keys that survive a typo: how the surname sounds, the email without its domain
        -- (a shared mailbox's local part says nothing about who writes from it).
        {{ soundex('party_records.last_name_std') }} as last_name_soundex,
        case
            when
                split_part(usable_identifiers.email_key, '@', 1) not in (
                    '{{ var("identity_role_mailboxes") | join("', '") }}'  -- noqa: LT05
                )
                then split_part(usable_identifiers.email_key, '@', 1)
        end as email_local_part
    from party_records
    left join usable_identifiers
        on party_records.record_number = usable_identifiers.record_number
),

final as (
    select
        *,
        -- How common each value is: the share of the other records with a value that have this one.
        -- Agreeing on a rare surname or postcode is stronger evidence than agreeing on a common one
        -- (term-frequency adjustment).
        case
            when first_name_std is not null and last_name_std is not null
                then
                    (count(*) over (partition by first_name_std, last_name_std) - 1)
                    / greatest(count(first_name_std || ' ' || last_name_std) over () - 1, 1)
        end as full_name_frequency,
        case
            when company_name_std is not null
                then
                    (count(*) over (partition by company_name_std) - 1)
                    / greatest(count(company_name_std) over () - 1, 1)
        end as company_name_frequency,
        case
            when country_code is not null and postcode is not null
                then
                    (count(*) over (partition by country_code, postcode) - 1)
                    / greatest(count(country_code || postcode) over () - 1, 1)
        end as postcode_frequency,
        case
            when country_code is not null and city_std is not null
                then
                    (count(*) over (partition by country_code, city_std) - 1)
                    / greatest(count(country_code || city_std) over () - 1, 1)
        end as city_frequency
    from with_identifiers
)

select * from final
