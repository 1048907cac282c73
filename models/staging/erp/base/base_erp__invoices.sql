-- Every raw ERP invoice row, typed, with the reason it cannot be staged (null when it can).
with

raw_rows as (
    {{ raw_rows_numbered(source('erp', 'invoices')) }}
),

typed as (
    select
        -- ids
        {{ clean_text('invoice_id') }} as invoice_id,
        {{ clean_text('erp_customer_id') }} as erp_customer_id,

        -- strings
        coalesce(upper({{ clean_text('currency_code') }}), 'USD') as currency_code,
        coalesce(lower({{ clean_text('status') }}), 'paid') as invoice_status,
        lower({{ clean_text('product_line') }}) as product_line,

        -- numerics
        try_cast(amount as decimal(18, 2)) as amount,
        try_cast(cost_amount as decimal(18, 2)) as cost_amount,

        -- booleans
        coalesce(lower({{ clean_text('status') }}) = 'credit_note', false) as is_credit_note,

        -- dates
        try_cast(invoice_date as date) as invoice_date,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ clean_text('invoice_id') }} is null then 'missing_key'
            when
                {{ clean_text('erp_customer_id') }} is null
                or {{ clean_text('invoice_date') }} is null
                or {{ clean_text('amount') }} is null
                then 'missing_required_value'
            when
                {{ is_unparseable('invoice_date', 'date') }}
                or {{ is_unparseable('amount', 'decimal(18, 2)') }}
                or {{ is_unparseable('cost_amount', 'decimal(18, 2)') }}
                then 'unparseable_value'
            when try_cast(invoice_date as date) > {{ max_valid_date() }} then 'future_date'
            when try_cast(invoice_date as date) < {{ min_valid_date() }} then 'implausible_date'
            -- Only credit notes may be negative.
            when
                try_cast(amount as decimal(18, 2)) < 0
                and coalesce(lower({{ clean_text('status') }}), '') != 'credit_note'
                then 'negative_amount'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from raw_rows
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('invoice_id') }} as rejection_reason
    from typed
)

select * from final
