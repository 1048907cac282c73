with

tickets as (
    select * from {{ ref('base_support__tickets') }}
),

final as (
    select
        -- ids
        ticket_id,
        crm_customer_id,

        -- strings
        priority,
        channel,
        category,
        ticket_status,

        -- numerics
        handling_minutes,
        csat_score,
        first_response_minutes,
        resolution_hours,

        -- booleans
        is_resolved,

        -- timestamps
        created_at,
        first_response_at,
        resolved_at
    from tickets
    where rejection_reason is null
)

select * from final
