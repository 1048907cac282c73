-- Every raw daily usage row, typed, with the reason it cannot be staged (null when it can).
with

raw_rows as (
    {{ raw_rows_numbered(source('product', 'usage_daily')) }}
),

typed as (
    select
        -- ids
        {{ clean_text('crm_customer_id') }} || '|' || cast(try_cast(usage_date as date) as varchar) as usage_day_id,
        {{ clean_text('crm_customer_id') }} as crm_customer_id,

        -- numerics
        try_cast(sessions as integer) as sessions,
        try_cast(active_users as integer) as active_users,
        try_cast(events as integer) as events,
        try_cast(features_used as integer) as features_used,
        try_cast(minutes_active as double) as minutes_active,

        -- dates
        try_cast(usage_date as date) as usage_date,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when
                {{ clean_text('crm_customer_id') }} is null or {{ clean_text('usage_date') }} is null
                then 'missing_key'
            when
                {{ is_unparseable('usage_date', 'date') }}
                or {{ is_unparseable('sessions', 'integer') }}
                or {{ is_unparseable('active_users', 'integer') }}
                or {{ is_unparseable('events', 'integer') }}
                or {{ is_unparseable('features_used', 'integer') }}
                or {{ is_unparseable('minutes_active', 'double') }}
                then 'unparseable_value'
            when
                try_cast(sessions as integer) < 0
                or try_cast(active_users as integer) < 0
                or try_cast(events as integer) < 0
                or try_cast(features_used as integer) < 0
                or try_cast(minutes_active as double) < 0
                then 'negative_count'
            -- The product catalog has 12 features, and nobody is active more than the 1,440 minutes of a day.
            when
                try_cast(features_used as integer) > 12
                or try_cast(minutes_active as double) > 1440 * try_cast(active_users as integer)
                then 'out_of_range'
            when try_cast(usage_date as date) > {{ max_valid_date() }} then 'future_date'
            when try_cast(usage_date as date) < {{ min_valid_date() }} then 'implausible_date'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from raw_rows
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('usage_day_id') }} as rejection_reason
    from typed
)

select * from final
