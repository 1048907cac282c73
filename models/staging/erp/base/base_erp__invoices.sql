-- Every raw ERP invoice row, typed, with the reason it cannot be staged (null when it can) and, for each
-- optional typed value that cannot be kept, why (the value is then null).
with

raw_rows as (
    {{ raw_rows_numbered(source('erp', 'invoices')) }}
),

-- Each typed value converted once from what arrived.
parsed as (
    select
        *,
        {{ parse_date('invoice_date') }} as parsed_invoice_date,
        try_cast(amount as decimal(18, 2)) as parsed_amount,
        try_cast(cost_amount as decimal(18, 2)) as parsed_cost_amount,
        -- The status in the contract's words, in any letter case and with a space or hyphen for the underscore
        -- ('Credit note' is credit_note). None is paid; a cancelled invoice is void: it never happened.
        case
            when {{ clean_text('status') }} is null then 'paid'
            when lower({{ clean_text('status') }}) in ('cancelled', 'canceled') then 'void'
            else regexp_replace(lower({{ clean_text('status') }}), '[ -]+', '_', 'g')
        end as parsed_status
    from raw_rows
),

-- The optional typed column: a value that cannot be kept is set to null and listed, the row staged.
checked as (
    select
        *,
        {{ field_issue('cost_amount', 'decimal(18, 2)', 'parsed_cost_amount') }} as cost_amount_issue
    from parsed
),

-- The optional values as staged: null where they cannot be kept.
kept as (
    select
        *,
        case when cost_amount_issue is null then parsed_cost_amount end as kept_cost_amount
    from checked
),

typed as (
    select
        -- ids
        {{ clean_text('invoice_id') }} as invoice_id,
        {{ clean_text('erp_customer_id') }} as erp_customer_id,

        -- strings
        coalesce(upper({{ clean_text('currency_code') }}), 'USD') as currency_code,
        parsed_status as invoice_status,
        lower({{ clean_text('product_line') }}) as product_line,

        -- numerics
        parsed_amount as amount,
        kept_cost_amount as cost_amount,

        -- booleans
        parsed_status = 'credit_note' as is_credit_note,

        -- dates
        parsed_invoice_date as invoice_date,

        -- why an optional value was set to null (null when it was kept), by raw column
        cost_amount_issue,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ is_repeated_header('invoice_id') }} then 'repeated_header'
            when {{ clean_text('invoice_id') }} is null then 'missing_key'
            when
                {{ clean_text('erp_customer_id') }} is null
                or {{ clean_text('invoice_date') }} is null
                or {{ clean_text('amount') }} is null
                then 'missing_required_value'
            when
                {{ is_unparseable('invoice_date', 'date', 'parsed_invoice_date') }}
                or {{ is_unparseable('amount', 'decimal(18, 2)', 'parsed_amount') }}
                then 'unparseable_value'
            -- An unknown status would be guessed at: is it revenue, is it a purchase?
            when parsed_status not in ('paid', 'open', 'void', 'credit_note') then 'unknown_category'
            when parsed_invoice_date > {{ max_valid_date() }} then 'future_date'
            when parsed_invoice_date < {{ min_valid_date() }} then 'implausible_date'
            -- Only credit notes may be negative.
            when parsed_amount < 0 and parsed_status != 'credit_note' then 'negative_amount'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from kept
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('invoice_id') }} as rejection_reason
    from typed
)

select * from final
