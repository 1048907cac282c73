-- Every raw support ticket row, typed, with the reason it cannot be staged (null when it can).
with

raw_rows as (
    {{ raw_rows_numbered(source('support', 'tickets')) }}
),

typed as (
    select
        -- ids
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('crm_customer_id') }} as crm_customer_id,

        -- strings
        case lower({{ clean_text('priority') }})
            when 'p1' then 'urgent'
            when 'p2' then 'high'
            when 'p3' then 'normal'
            when 'p4' then 'low'
            else lower({{ clean_text('priority') }})
        end as priority,
        lower({{ clean_text('channel') }}) as channel,
        lower({{ clean_text('category') }}) as category,
        lower({{ clean_text('status') }}) as ticket_status,

        -- numerics
        try_cast(handling_minutes as double) as handling_minutes,
        try_cast(csat_score as integer) as csat_score,
        date_diff('second', try_cast(created_at as timestamp), try_cast(first_response_at as timestamp))
        / 60.0 as first_response_minutes,
        date_diff('second', try_cast(created_at as timestamp), try_cast(resolved_at as timestamp))
        / 3600.0 as resolution_hours,

        -- booleans
        try_cast(resolved_at as timestamp) is not null as is_resolved,

        -- timestamps
        try_cast(created_at as timestamp) as created_at,
        try_cast(first_response_at as timestamp) as first_response_at,
        try_cast(resolved_at as timestamp) as resolved_at,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ clean_text('ticket_id') }} is null then 'missing_key'
            when
                {{ clean_text('crm_customer_id') }} is null or {{ clean_text('created_at') }} is null
                then 'missing_required_value'
            when
                {{ is_unparseable('created_at', 'timestamp') }}
                or {{ is_unparseable('first_response_at', 'timestamp') }}
                or {{ is_unparseable('resolved_at', 'timestamp') }}
                or {{ is_unparseable('handling_minutes', 'double') }}
                or {{ is_unparseable('csat_score', 'integer') }}
                then 'unparseable_value'
            when
                try_cast(created_at as timestamp) > {{ max_valid_date() }} + interval 1 day
                or try_cast(first_response_at as timestamp) > {{ max_valid_date() }} + interval 1 day
                or try_cast(resolved_at as timestamp) > {{ max_valid_date() }} + interval 1 day
                then 'future_date'
            when
                try_cast(created_at as timestamp) < {{ min_valid_date() }}
                or try_cast(first_response_at as timestamp) < {{ min_valid_date() }}
                or try_cast(resolved_at as timestamp) < {{ min_valid_date() }}
                then 'implausible_date'
            when try_cast(handling_minutes as double) < 0 then 'negative_duration'
            when try_cast(csat_score as integer) not between 1 and 5 then 'out_of_range'
            when
                try_cast(first_response_at as timestamp) < try_cast(created_at as timestamp)
                or try_cast(resolved_at as timestamp) < try_cast(created_at as timestamp)
                then 'inconsistent_timestamps'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from raw_rows
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('ticket_id') }} as rejection_reason
    from typed
)

select * from final
