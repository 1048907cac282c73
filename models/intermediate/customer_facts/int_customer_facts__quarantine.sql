-- Staged fact rows that cannot be attributed to a customer or valued in US dollars, with the reason.
with

invoices as (
    select * from {{ ref('int_customer_facts__invoices_resolved') }}
),

subscription_events as (
    select * from {{ ref('int_customer_facts__subscription_events_resolved') }}
),

tickets as (
    select * from {{ ref('int_customer_facts__tickets_resolved') }}
),

usage_days as (
    select * from {{ ref('int_customer_facts__usage_days_resolved') }}
),

nps_responses as (
    select * from {{ ref('int_customer_facts__nps_responses_resolved') }}
),

rejected as (
    select
        'invoices' as fact_table,
        invoice_id as fact_row_id,
        'erp' as reference_system,
        erp_customer_id as reference_id,
        rejection_reason
    from invoices
    where rejection_reason is not null
    union all
    select
        'subscription_events' as fact_table,
        event_id as fact_row_id,
        'erp' as reference_system,
        erp_customer_id as reference_id,
        rejection_reason
    from subscription_events
    where rejection_reason is not null
    union all
    select
        'tickets' as fact_table,
        ticket_id as fact_row_id,
        'crm' as reference_system,
        crm_customer_id as reference_id,
        rejection_reason
    from tickets
    where rejection_reason is not null
    union all
    select
        'usage_days' as fact_table,
        usage_day_id as fact_row_id,
        'crm' as reference_system,
        crm_customer_id as reference_id,
        rejection_reason
    from usage_days
    where rejection_reason is not null
    union all
    select
        'nps_responses' as fact_table,
        response_id as fact_row_id,
        'crm' as reference_system,
        crm_customer_id as reference_id,
        rejection_reason
    from nps_responses
    where rejection_reason is not null
),

final as (
    select
        fact_table || ':' || fact_row_id as quarantined_fact_id,
        fact_table,
        fact_row_id,
        reference_system,
        reference_id,
        rejection_reason
    from rejected
)

select * from final
