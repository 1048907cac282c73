-- Every staged customer record of every source system in one shape, standardized for matching, with
-- the party type (person or organization) and the evidence that decided it, and person names split
-- into given name and surname where the source keeps one name field.
-- CTEs read by several others are marked not materialized: DuckDB would otherwise copy every column of
-- them once (three times the run time of the model).
with

crm_customers as not materialized (
    select * from {{ ref('stg_crm__customers') }}
),

erp_customers as (
    select * from {{ ref('stg_erp__customers') }}
),

thirdparty_firmographics as (
    select * from {{ ref('stg_thirdparty__firmographics') }}
),

organization_words as (
    select * from {{ ref('identity_organization_words') }}
),

free_mail_domains as (
    select * from {{ ref('identity_free_mail_domains') }}
),

blocked_identifiers as (
    select * from {{ ref('identity_blocked_identifiers') }}
),

-- A CRM record without a type is told by its name fields: a company name makes it an organization
-- (its first and last names are then the main contact's), first or last name alone a person.
crm_typed as not materialized (
    select
        *,
        case
            when customer_type is not null then customer_type
            when company_name is not null then 'organization'
            when coalesce(first_name, last_name) is not null then 'person'
        end as party_type,
        case
            when customer_type is not null then 'source_customer_type'
            when company_name is not null then 'company_name_field'
            when coalesce(first_name, last_name) is not null then 'person_name_fields'
            else 'no_evidence'
        end as party_type_source
    from crm_customers
),

-- ERP and third-party records keep one name field, which may be a person's or an organization's.
erp_records as (
    select
        'erp' as source_system,
        erp_customer_id as source_record_id,
        customer_name as party_name,
        customer_type as stated_party_type,
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
        company_name as party_name,
        null::varchar as stated_party_type,
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

single_name_records as not materialized (
    select * from erp_records
    union all
    select * from thirdparty_records
),

single_names as not materialized (
    select
        *,
        -- Only what the classification and the name split need: the name of a stated organization is kept whole.
        case when stated_party_type is null then {{ standardize_name('party_name') }} end as party_name_std,
        case
            when coalesce(stated_party_type, 'person') = 'person' then {{ strip_personal_titles('party_name') }}
        end as personal_name
    from single_name_records
),

-- The CRM's knowledge of an email or phone: the one type all CRM records holding it agree on. A value
-- the CRM records disagree on, a value a steward blocked (seed identity_blocked_identifiers: placeholders
-- such as noemail@example.com), a role mailbox at a free-mail domain (info@gmail.com) or a value held by
-- more than var identity_max_records_per_identifier records is shared, and says nothing. Only the emails
-- and phones of records whose source states no type are looked up.
untyped_identifiers as (
    select distinct
        'email' as identifier_type,
        email as identifier_value
    from single_names
    where stated_party_type is null and email is not null
    union
    select distinct
        'phone' as identifier_type,
        phone_e164 as identifier_value
    from single_names
    where stated_party_type is null and phone_e164 is not null
),

crm_identifiers as (
    select
        'email' as identifier_type,
        email as identifier_value,
        party_type
    from crm_typed
    where email is not null and party_type is not null
    union all
    select
        'phone' as identifier_type,
        phone_e164 as identifier_value,
        party_type
    from crm_typed
    where phone_e164 is not null and party_type is not null
),

looked_up_crm_identifiers as (
    select crm_identifiers.*
    from crm_identifiers
    inner join untyped_identifiers
        on
            crm_identifiers.identifier_type = untyped_identifiers.identifier_type
            and crm_identifiers.identifier_value = untyped_identifiers.identifier_value
),

usable_crm_identifiers as (
    select looked_up_crm_identifiers.*
    from looked_up_crm_identifiers
    left join blocked_identifiers
        on
            looked_up_crm_identifiers.identifier_type = blocked_identifiers.identifier_type
            and looked_up_crm_identifiers.identifier_value = blocked_identifiers.identifier_value
            and blocked_identifiers.match_kind = 'exact'
    where
        blocked_identifiers.identifier_value is null
        {%- for rule in blocked_identifier_patterns() if rule.identifier_type in ('email', 'phone') %}
            and not (
                looked_up_crm_identifiers.identifier_type = '{{ rule.identifier_type }}'
                and regexp_matches(looked_up_crm_identifiers.identifier_value, '{{ rule.pattern | replace("'", "''") }}')
            )
        {%- endfor %}
        and not (
            looked_up_crm_identifiers.identifier_type = 'email'
            and split_part(looked_up_crm_identifiers.identifier_value, '@', 1) in (
                '{{ var("identity_role_mailboxes") | join("', '") }}'  -- noqa: LT05
            )
            and split_part(looked_up_crm_identifiers.identifier_value, '@', 2) in (
                select free_mail_domains.mail_domain from free_mail_domains
            )
        )
),

crm_identifier_party_types as (
    select
        identifier_type,
        identifier_value,
        min(party_type) as crm_party_type
    from usable_crm_identifiers
    group by identifier_type, identifier_value
    having count(distinct party_type) = 1 and count(*) <= {{ var('identity_max_records_per_identifier') }}
),

-- How often the CRM holds each word as a given name and as a surname: it tells 'CAROL Ramirez' (a given
-- name typed in capitals) from 'SMITH Jane' (a surname in capitals first).
crm_name_fields as (
    select
        lower(strip_accents(first_name)) as name_word,
        true as is_given_name
    from crm_customers
    union all
    select
        lower(strip_accents(last_name)) as name_word,
        false as is_given_name
    from crm_customers
),

crm_name_words as (
    select
        name_word,
        count_if(is_given_name) as given_name_count,
        count_if(not is_given_name) as surname_count
    from crm_name_fields
    where name_word is not null
    group by name_word
),

-- Words and runs of two or three words of each name that the source does not type, looked up in the
-- seed of words only organizations have in their names (e.g. 'bakery', 'stichting', 'real estate').
name_words as (
    select
        source_system,
        source_record_id,
        string_split(party_name_std, ' ') as name_words
    from single_names
    where stated_party_type is null and party_name_std is not null
),

name_word_runs as (
    select
        source_system,
        source_record_id,
        unnest(list_concat(
            name_words,
            list_transform(
                range(1, len(name_words)),
                lambda word_at: name_words[word_at] || ' ' || name_words[word_at + 1]
            ),
            list_transform(
                range(1, len(name_words) - 1),
                lambda word_at: name_words[word_at] || ' ' || name_words[word_at + 1] || ' ' || name_words[word_at + 2]
            )
        )) as word_run
    from name_words
),

standardized_organization_words as (
    select distinct {{ standardize_name('organization_word') }} as organization_word
    from organization_words
),

organization_word_matches as (
    select distinct
        name_word_runs.source_system,
        name_word_runs.source_record_id
    from name_word_runs
    inner join standardized_organization_words
        on name_word_runs.word_run = standardized_organization_words.organization_word
),

classified_names as (
    select
        single_names.*,
        {{ classify_party_type(
            stated_type='single_names.stated_party_type',
            has_legal_form=has_legal_form('single_names.party_name_std'),
            has_organization_word='organization_word_matches.source_record_id is not null',
            crm_email_party_type='crm_emails.crm_party_type',
            crm_phone_party_type='crm_phones.crm_party_type',
            is_personal_name=is_personal_name('single_names.personal_name'),
            fallback_type="case when single_names.source_system = 'thirdparty' then 'organization' end",
            fallback_source="case when single_names.source_system = 'thirdparty'
                then 'source_lists_organizations' else 'no_evidence' end",
        ) }} as classification,
        {{ split_person_name(
            'single_names.personal_name',
            upper_case_word_is_given_name='crm_name_words.given_name_count > crm_name_words.surname_count',
        ) }} as person_name_parts
    from single_names
    left join organization_word_matches
        on
            single_names.source_system = organization_word_matches.source_system
            and single_names.source_record_id = organization_word_matches.source_record_id
    left join crm_identifier_party_types as crm_emails
        on
            crm_emails.identifier_type = 'email'
            and single_names.email = crm_emails.identifier_value
    left join crm_identifier_party_types as crm_phones
        on
            crm_phones.identifier_type = 'phone'
            and single_names.phone_e164 = crm_phones.identifier_value
    left join crm_name_words
        on lower(strip_accents(split_part(single_names.personal_name, ' ', 1))) = crm_name_words.name_word
),

classified_parts as (
    select
        * exclude (classification, person_name_parts),
        -- Each struct spread into its fields: party_type, party_type_source; given_name, surname, name_split_rule.
        unnest(classification),  -- noqa: AL03
        unnest(person_name_parts)  -- noqa: AL03
    from classified_names
),

-- A person's name split in two; an organization keeps its name whole; a party of unknown type gets
-- both, so that it can be compared with persons and with organizations.
single_name_parties as (
    select
        source_system,
        source_record_id,
        party_type,
        party_type_source,
        case when coalesce(party_type, 'person') = 'person' then name_split_rule end as name_split_rule,
        case when coalesce(party_type, 'person') = 'person' then given_name end as first_name,
        case when coalesce(party_type, 'person') = 'person' then surname end as last_name,
        case when coalesce(party_type, 'organization') = 'organization' then party_name end as company_name,
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
        updated_at
    from classified_parts
),

crm_records as (
    select
        'crm' as source_system,
        crm_customer_id as source_record_id,
        party_type,
        party_type_source,
        case when coalesce(first_name, last_name) is not null then 'source_fields' end as name_split_rule,
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
    from crm_typed
),

source_records as (
    select * from crm_records
    union all
    select * from single_name_parties
),

standardized as (
    select
        source_system || ':' || source_record_id as source_record_key,
        source_system,
        source_record_id,
        party_type,
        party_type_source,
        name_split_rule,
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
