-- Every raw subscription event row, typed, with the reason it cannot be staged (null when it can) and, for
-- each optional typed value that cannot be kept, why (the value is then null).
with

raw_rows as (
    {{ raw_rows_numbered(source('billing', 'subscription_events')) }}
),

-- Each typed value converted once from what arrived.
parsed as (
    select
        *,
        try_cast(mrr_before as decimal(18, 2)) as parsed_mrr_before,
        try_cast(mrr_after as decimal(18, 2)) as parsed_mrr_after,
        {{ parse_timestamp('event_at') }} as parsed_event_at
    from raw_rows
),

-- The optional typed columns: a value that cannot be kept is set to null and listed, the row staged.
checked as (
    select
        *,
        {{ field_issue('mrr_before', 'decimal(18, 2)', 'parsed_mrr_before') }} as mrr_before_issue,
        {{ field_issue('mrr_after', 'decimal(18, 2)', 'parsed_mrr_after') }} as mrr_after_issue
    from parsed
),

-- The optional values as staged: null where they cannot be kept.
kept as (
    select
        *,
        case when mrr_before_issue is null then parsed_mrr_before end as kept_mrr_before,
        case when mrr_after_issue is null then parsed_mrr_after end as kept_mrr_after
    from checked
),

typed as (
    select
        -- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('subscription_id') }} as subscription_id,
        {{ clean_text('erp_customer_id') }} as erp_customer_id,

        -- strings
        lower({{ clean_text('event_type') }}) as event_type,
        lower({{ clean_text('plan_code') }}) as plan_code,
        coalesce(upper({{ clean_text('currency_code') }}), 'USD') as currency_code,

        -- numerics
        kept_mrr_before as mrr_before,
        kept_mrr_after as mrr_after,
        coalesce(kept_mrr_after, 0) - coalesce(kept_mrr_before, 0) as mrr_change,

        -- timestamps
        parsed_event_at as event_at,

        -- why an optional value was set to null (null when it was kept), by raw column
        mrr_before_issue,
        mrr_after_issue,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ is_repeated_header('event_id') }} then 'repeated_header'
            when {{ clean_text('event_id') }} is null then 'missing_key'
            when
                {{ clean_text('subscription_id') }} is null
                or {{ clean_text('erp_customer_id') }} is null
                or {{ clean_text('event_type') }} is null
                or {{ clean_text('event_at') }} is null
                then 'missing_required_value'
            when {{ is_unparseable('event_at', 'timestamp', 'parsed_event_at') }} then 'unparseable_value'
            when
                lower({{ clean_text('event_type') }}) not in ('new', 'upgrade', 'downgrade', 'cancel', 'renew')
                then 'unknown_category'
            when kept_mrr_before < 0 or kept_mrr_after < 0 then 'negative_amount'
            when parsed_event_at > {{ max_valid_date() }} + interval 1 day then 'future_date'
            when parsed_event_at < {{ min_valid_date() }} then 'implausible_date'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from kept
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('event_id') }} as rejection_reason
    from typed
)

select * from final
