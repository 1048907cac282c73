-- Every staged survey response with the customer it resolves to, or why it cannot be used. Responses
-- that lost their CRM id are attributed by the respondent's email when that email is usable evidence
-- (not blocked by identity resolution) and belongs to exactly one customer.
with

responses as (
    select * from {{ ref('stg_surveys__nps_responses') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

identifier_values as (
    select * from {{ ref('int_identity__identifier_values') }}
),

email_customers as (
    select
        identifier_values.identifier_value as email,
        min(crosswalk.customer_id) as customer_id
    from identifier_values
    inner join crosswalk
        on identifier_values.source_record_key = crosswalk.source_record_key
    where
        identifier_values.identifier_type = 'email'
        and identifier_values.blocked_reason is null
    group by identifier_values.identifier_value
    having count(distinct crosswalk.customer_id) = 1
),

final as (
    select
        responses.response_id,
        responses.crm_customer_id,
        coalesce(crosswalk.customer_id, email_customers.customer_id) as customer_id,
        case
            when crosswalk.customer_id is not null then 'crm_customer_id'
            when email_customers.customer_id is not null then 'respondent_email'
        end as attributed_by,
        responses.survey_channel,
        responses.nps_category,
        responses.nps_score,
        responses.responded_at,
        case
            when crosswalk.customer_id is not null or email_customers.customer_id is not null then null
            when responses.crm_customer_id is not null then 'unknown_customer_reference'
            else 'unattributable_response'
        end as rejection_reason
    from responses
    left join crosswalk
        on
            responses.crm_customer_id = crosswalk.source_record_id
            and crosswalk.source_system = 'crm'
    left join email_customers
        on
            responses.crm_customer_id is null
            and responses.respondent_email = email_customers.email
)

select * from final
