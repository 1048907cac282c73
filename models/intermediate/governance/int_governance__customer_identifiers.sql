-- The personal identifiers each customer is known by (every email, phone and national id of every source
-- record resolved to them): what the PII scan compares a public mart's row with, and what a customer's
-- tax id must not equal to be published. A value blocked as identity evidence (a placeholder, or held by
-- too many records) identifies nobody and is left out.
with

identifier_values as (
    select * from {{ ref('int_identity__identifier_values') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

customer_identifiers as (
    select distinct
        crosswalk.customer_id,
        identifier_values.identifier_type,
        identifier_values.identifier_value,
        -- National ids are matched with their issuing country in front; a mart would show them bare.
        case
            when identifier_values.identifier_type = 'national_id'
                then regexp_replace(identifier_values.identifier_value, '^([A-Z]{2}|\?\?)', '')
            else identifier_values.identifier_value
        end as bare_identifier_value
    from identifier_values
    inner join crosswalk
        on identifier_values.source_record_key = crosswalk.source_record_key
    where
        identifier_values.identifier_type in ('email', 'phone', 'national_id')
        and identifier_values.blocked_reason is null
),

final as (
    select * from customer_identifiers
)

select * from final
