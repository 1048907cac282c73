-- Survey responses by customer (comments and respondent emails stay in staging: features need scores only).
with

resolved as (
    select * from {{ ref('int_customer_facts__nps_responses_resolved') }}
),

final as (
    select
        response_id,
        customer_id,
        crm_customer_id,
        attributed_by,
        survey_channel,
        nps_category,
        nps_score,
        responded_at
    from resolved
    where rejection_reason is null
)

select * from final
