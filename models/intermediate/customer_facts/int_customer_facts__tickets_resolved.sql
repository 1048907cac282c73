-- Every staged support ticket with the customer it resolves to, or why it cannot be used.
with

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

crm_customers as (
    select
        source_record_id as crm_customer_id,
        customer_id
    from crosswalk
    where source_system = 'crm'
),

final as (
    select
        tickets.ticket_id,
        tickets.crm_customer_id,
        crm_customers.customer_id,
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
            when crm_customers.customer_id is null then 'unknown_customer_reference'
        end as rejection_reason
    from tickets
    left join crm_customers
        on tickets.crm_customer_id = crm_customers.crm_customer_id
)

select * from final
