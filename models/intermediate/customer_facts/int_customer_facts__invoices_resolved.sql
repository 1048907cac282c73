-- Every staged invoice with the customer and exchange rate it resolves to, or why it cannot be used.
with

invoices as (
    select * from {{ ref('stg_erp__invoices') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

currency_rates as (
    select * from {{ ref('currency_rates') }}
),

final as (
    select
        invoices.invoice_id,
        invoices.erp_customer_id,
        crosswalk.customer_id,
        invoices.currency_code,
        invoices.invoice_status,
        invoices.product_line,
        invoices.amount,
        invoices.cost_amount,
        currency_rates.usd_per_unit,
        invoices.is_credit_note,
        invoices.invoice_date,
        case
            when crosswalk.customer_id is null then 'unknown_customer_reference'
            when currency_rates.usd_per_unit is null then 'unknown_currency'
        end as rejection_reason
    from invoices
    left join crosswalk
        on
            invoices.erp_customer_id = crosswalk.source_record_id
            and crosswalk.source_system = 'erp'
    left join currency_rates
        on invoices.currency_code = currency_rates.currency_code
)

select * from final
