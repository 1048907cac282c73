-- Every staged subscription event with the customer and exchange rate it resolves to, or why it cannot be used.
with

events as (
    select * from {{ ref('stg_billing__subscription_events') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

currency_rates as (
    select * from {{ ref('currency_rates') }}
),

final as (
    select
        events.event_id,
        events.subscription_id,
        events.erp_customer_id,
        crosswalk.customer_id,
        events.event_type,
        events.plan_code,
        events.currency_code,
        events.mrr_before,
        events.mrr_after,
        currency_rates.usd_per_unit,
        events.event_at,
        case
            when crosswalk.customer_id is null then 'unknown_customer_reference'
            when currency_rates.usd_per_unit is null then 'unknown_currency'
        end as rejection_reason
    from events
    left join crosswalk
        on
            events.erp_customer_id = crosswalk.source_record_id
            and crosswalk.source_system = 'erp'
    left join currency_rates
        on events.currency_code = currency_rates.currency_code
)

select * from final
