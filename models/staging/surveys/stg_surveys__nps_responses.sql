with

responses as (
    select * from {{ ref('base_surveys__nps_responses') }}
),

final as (
    select
        -- ids
        response_id,
        crm_customer_id,

        -- strings
        respondent_email,
        survey_channel,
        comment,
        nps_category,

        -- numerics
        nps_score,

        -- booleans
        is_email_malformed,

        -- timestamps
        responded_at
    from responses
    where rejection_reason is null
)

select * from final
