-- Every staged support ticket with the customer it resolves to, or why it cannot be used.
with

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

final as (
    select
        tickets.ticket_id,
        tickets.crm_customer_id,
        crosswalk.customer_id,
        tickets.priority,
        tickets.channel,
        tickets.category,
        tickets.ticket_status,
        tickets.handling_minutes,
        tickets.csat_score,
        tickets.first_response_minutes,
        tickets.resolution_hours,
        tickets.is_resolved,
        tickets.created_at,
        tickets.first_response_at,
        tickets.resolved_at,
        case
            when crosswalk.customer_id is null then 'unknown_customer_reference'
        end as rejection_reason
    from tickets
    left join crosswalk
        on
            tickets.crm_customer_id = crosswalk.source_record_id
            and crosswalk.source_system = 'crm'
)

select * from final
