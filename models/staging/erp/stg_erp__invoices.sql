with

invoices as (
    select * from {{ ref('base_erp__invoices') }}
),

final as (
    select
        -- ids
        invoice_id,
        erp_customer_id,

        -- strings
        currency_code,
        invoice_status,
        product_line,

        -- numerics
        amount,
        cost_amount,

        -- booleans
        is_credit_note,

        -- dates
        invoice_date
    from invoices
    where rejection_reason is null
)

select * from final
