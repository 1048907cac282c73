-- Invoices by customer, in US dollars: the basis of revenue, margin and purchase features.
with

resolved as (
    select * from {{ ref('int_customer_facts__invoices_resolved') }}
),

final as (
    select
        invoice_id,
        customer_id,
        erp_customer_id,
        invoice_status,
        product_line,
        currency_code,
        amount as amount_local,
        round(amount * usd_per_unit, 2) as amount_usd,
        round(cost_amount * usd_per_unit, 2) as cost_usd,
        round((amount - cost_amount) * usd_per_unit, 2) as gross_margin_usd,
        -- Void invoices never happened; credit notes reduce revenue but are not purchases. An order of
        -- amount 0 (a free item, a voucher) is a purchase occasion, as in lifetimes' transaction summaries.
        invoice_status != 'void' as is_revenue,
        invoice_status in ('paid', 'open') and amount >= 0 as is_purchase,
        is_credit_note,
        invoice_date
    from resolved
    where rejection_reason is null
)

select * from final
