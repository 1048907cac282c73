-- Every raw subscription event row, typed, with the reason it cannot be staged (null when it can).
with

raw_rows as (
    {{ raw_rows_numbered(source('billing', 'subscription_events')) }}
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
        try_cast(mrr_before as decimal(18, 2)) as mrr_before,
        try_cast(mrr_after as decimal(18, 2)) as mrr_after,
        coalesce(try_cast(mrr_after as decimal(18, 2)), 0)
        - coalesce(try_cast(mrr_before as decimal(18, 2)), 0) as mrr_change,

        -- timestamps
        try_cast(event_at as timestamp) as event_at,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ clean_text('event_id') }} is null then 'missing_key'
            when
                {{ clean_text('subscription_id') }} is null
                or {{ clean_text('erp_customer_id') }} is null
                or {{ clean_text('event_type') }} is null
                or {{ clean_text('event_at') }} is null
                then 'missing_required_value'
            when
                {{ is_unparseable('event_at', 'timestamp') }}
                or {{ is_unparseable('mrr_before', 'decimal(18, 2)') }}
                or {{ is_unparseable('mrr_after', 'decimal(18, 2)') }}
                then 'unparseable_value'
            when
                lower({{ clean_text('event_type') }}) not in ('new', 'upgrade', 'downgrade', 'cancel', 'renew')
                then 'unknown_category'
            when
                try_cast(mrr_before as decimal(18, 2)) < 0
                or try_cast(mrr_after as decimal(18, 2)) < 0
                then 'negative_amount'
            when try_cast(event_at as timestamp) > {{ max_valid_date() }} + interval 1 day then 'future_date'
            when try_cast(event_at as timestamp) < {{ min_valid_date() }} then 'implausible_date'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from raw_rows
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('event_id') }} as rejection_reason
    from typed
)

select * from final
