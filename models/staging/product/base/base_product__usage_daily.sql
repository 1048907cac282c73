-- Every raw daily usage row, typed, with the reason it cannot be staged (null when it can) and, for each
-- optional typed value that cannot be kept, why (the value is then null).
with

raw_rows as (
    {{ raw_rows_numbered(source('product', 'usage_daily')) }}
),

-- Each typed value converted once from what arrived.
parsed as (
    select
        *,
        {{ parse_date('usage_date') }} as parsed_usage_date,
        try_cast(sessions as integer) as parsed_sessions,
        try_cast(active_users as integer) as parsed_active_users,
        try_cast(events as integer) as parsed_events,
        try_cast(features_used as integer) as parsed_features_used,
        try_cast(minutes_active as double) as parsed_minutes_active
    from raw_rows
),

-- The optional typed columns: a value that cannot be kept is set to null and listed, the row staged.
checked as (
    select
        *,
        {{ field_issue('sessions', 'integer', 'parsed_sessions') }} as sessions_issue,
        {{ field_issue('active_users', 'integer', 'parsed_active_users') }} as active_users_issue,
        {{ field_issue('events', 'integer', 'parsed_events') }} as events_issue,
        {{ field_issue('features_used', 'integer', 'parsed_features_used') }} as features_used_issue,
        {{ field_issue('minutes_active', 'double', 'parsed_minutes_active') }} as minutes_active_issue
    from parsed
),

-- The optional values as staged: null where they cannot be kept.
kept as (
    select
        *,
        case when sessions_issue is null then parsed_sessions end as kept_sessions,
        case when active_users_issue is null then parsed_active_users end as kept_active_users,
        case when events_issue is null then parsed_events end as kept_events,
        case when features_used_issue is null then parsed_features_used end as kept_features_used,
        case when minutes_active_issue is null then parsed_minutes_active end as kept_minutes_active
    from checked
),

typed as (
    select
        -- ids
        {{ clean_text('crm_customer_id') }} || '|' || cast(parsed_usage_date as varchar) as usage_day_id,
        {{ clean_text('crm_customer_id') }} as crm_customer_id,

        -- numerics
        kept_sessions as sessions,
        kept_active_users as active_users,
        kept_events as events,
        kept_features_used as features_used,
        kept_minutes_active as minutes_active,

        -- dates
        parsed_usage_date as usage_date,

        -- why an optional value was set to null (null when it was kept), by raw column
        sessions_issue,
        active_users_issue,
        events_issue,
        features_used_issue,
        minutes_active_issue,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ is_repeated_header('crm_customer_id') }} then 'repeated_header'
            when
                {{ clean_text('crm_customer_id') }} is null or {{ clean_text('usage_date') }} is null
                then 'missing_key'
            when {{ is_unparseable('usage_date', 'date', 'parsed_usage_date') }} then 'unparseable_value'
            when
                kept_sessions < 0
                or kept_active_users < 0
                or kept_events < 0
                or kept_features_used < 0
                or kept_minutes_active < 0
                then 'negative_count'
            -- The product catalog has 12 features, and nobody is active more than the 1,440 minutes of a day.
            when
                kept_features_used > 12
                or kept_minutes_active > 1440 * kept_active_users
                then 'out_of_range'
            when parsed_usage_date > {{ max_valid_date() }} then 'future_date'
            when parsed_usage_date < {{ min_valid_date() }} then 'implausible_date'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from kept
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('usage_day_id') }} as rejection_reason
    from typed
)

select * from final
