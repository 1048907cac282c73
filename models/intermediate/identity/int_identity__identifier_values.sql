-- Strong identifiers of every record (email, phone, tax id, national id, web domain), each with the
-- reason it may not be used as evidence: placeholders, shared mailboxes and values held by too many
-- records would otherwise chain unrelated customers together.
with

party_records as (
    select * from {{ ref('int_identity__party_records') }}
),

blocked_identifiers as (
    select * from {{ ref('identity_blocked_identifiers') }}
),

free_mail_domains as (
    select * from {{ ref('identity_free_mail_domains') }}
),

identifier_candidates as (
    select
        record_number,
        source_record_key,
        party_type,
        'email' as identifier_type,
        email as identifier_value,
        false as is_from_email
    from party_records
    where email is not null
    union all
    select
        record_number,
        source_record_key,
        party_type,
        'phone' as identifier_type,
        phone_e164 as identifier_value,
        false as is_from_email
    from party_records
    where phone_e164 is not null
    union all
    -- EU VAT numbers carry their country; other tax numbers get the record's country in front.
    select
        record_number,
        source_record_key,
        party_type,
        'tax_id' as identifier_type,
        case when regexp_matches(tax_id, '^[A-Z]{2}') then tax_id else coalesce(country_code, '??') || tax_id end
            as identifier_value,
        false as is_from_email
    from party_records
    where tax_id is not null
    union all
    select
        record_number,
        source_record_key,
        party_type,
        'national_id' as identifier_type,
        coalesce(country_code, '??') || national_id as identifier_value,
        false as is_from_email
    from party_records
    where national_id is not null
    union all
    -- An organization's domain: its website, or the domain of its email address.
    select
        record_number,
        source_record_key,
        party_type,
        'web_domain' as identifier_type,
        web_domain as identifier_value,
        false as is_from_email
    from party_records
    where web_domain is not null and party_type = 'organization'
    union all
    select
        record_number,
        source_record_key,
        party_type,
        'web_domain' as identifier_type,
        email_domain as identifier_value,
        true as is_from_email
    from party_records
    where email_domain is not null and party_type = 'organization'
),

distinct_identifiers as (
    select
        record_number,
        source_record_key,
        party_type,
        identifier_type,
        identifier_value,
        bool_and(is_from_email) as is_from_email
    from identifier_candidates
    group by record_number, source_record_key, party_type, identifier_type, identifier_value
),

counted as (
    select
        *,
        count(*) over (partition by identifier_type, identifier_value) as records_with_value
    from distinct_identifiers
),

-- Exact values join; patterns are inlined as constants (see macro blocked_identifier_patterns).
exact_steward_blocks as (
    select
        counted.source_record_key,
        counted.identifier_type,
        counted.identifier_value,
        min(blocked_identifiers.reason) as steward_reason
    from counted
    inner join blocked_identifiers
        on
            counted.identifier_type = blocked_identifiers.identifier_type
            and counted.identifier_value = blocked_identifiers.identifier_value
    where blocked_identifiers.match_kind = 'exact'
    group by counted.source_record_key, counted.identifier_type, counted.identifier_value
),

steward_blocks as (
    select
        counted.source_record_key,
        counted.identifier_type,
        counted.identifier_value,
        coalesce(
            exact_steward_blocks.steward_reason,
            case
                when false then null
                {%- for rule in blocked_identifier_patterns() %}
                    when
                        counted.identifier_type = '{{ rule.identifier_type }}'
                        and regexp_matches(counted.identifier_value, '{{ rule.pattern | replace("'", "''") }}')
                        then '{{ rule.reason | replace("'", "''") }}'
                {%- endfor %}
            end
        ) as steward_reason
    from counted
    left join exact_steward_blocks
        on
            counted.source_record_key = exact_steward_blocks.source_record_key
            and counted.identifier_type = exact_steward_blocks.identifier_type
            and counted.identifier_value = exact_steward_blocks.identifier_value
),

judged as (
    select
        counted.record_number,
        counted.source_record_key,
        counted.party_type,
        counted.identifier_type,
        counted.identifier_value,
        counted.records_with_value,
        counted.is_from_email,
        case
            when steward_blocks.steward_reason is not null then 'steward_blocked'
            when
                counted.identifier_type = 'web_domain'
                and counted.identifier_value in (select free_mail_domains.mail_domain from free_mail_domains)
                then 'free_mail_domain'
            when
                counted.identifier_type = 'email'
                and split_part(counted.identifier_value, '@', 1) in (
                    '{{ var("identity_role_mailboxes") | join("', '") }}'  -- noqa: LT05
                )
                and split_part(counted.identifier_value, '@', 2) in (
                    select free_mail_domains.mail_domain from free_mail_domains
                )
                then 'shared_mailbox'
            when counted.records_with_value > {{ var('identity_max_records_per_identifier') }}
                then 'shared_by_too_many_records'
        end as blocked_reason,
        steward_blocks.steward_reason
    from counted
    left join steward_blocks
        on
            counted.source_record_key = steward_blocks.source_record_key
            and counted.identifier_type = steward_blocks.identifier_type
            and counted.identifier_value = steward_blocks.identifier_value
),

final as (
    select
        judged.record_number,
        judged.source_record_key,
        judged.party_type,
        judged.identifier_type,
        judged.identifier_value,
        judged.records_with_value,
        -- The domain of a placeholder or shared mailbox says nothing about the organization.
        coalesce(
            judged.blocked_reason,
            case
                when judged.is_from_email and record_emails.blocked_reason is not null then 'domain_of_unusable_email'
            end
        ) as blocked_reason,
        judged.steward_reason
    from judged
    left join judged as record_emails
        on
            judged.record_number = record_emails.record_number
            and record_emails.identifier_type = 'email'
)

select * from final
