-- Every raw support ticket row, typed, with the reason it cannot be staged (null when it can) and, for each
-- optional typed value that cannot be kept, why (the value is then null).
with

raw_rows as (
    {{ raw_rows_numbered(source('support', 'tickets')) }}
),

-- Each typed value converted once from what arrived.
parsed as (
    select
        *,
        {{ parse_timestamp('created_at') }} as parsed_created_at,
        {{ parse_timestamp('first_response_at') }} as parsed_first_response_at,
        {{ parse_timestamp('resolved_at') }} as parsed_resolved_at,
        try_cast(handling_minutes as double) as parsed_handling_minutes,
        try_cast(csat_score as integer) as parsed_csat_score
    from raw_rows
),

-- The optional typed columns: a value that cannot be kept is set to null and listed, the row staged.
checked as (
    select
        *,
        {{ field_issue('first_response_at', 'timestamp', 'parsed_first_response_at') }} as first_response_at_issue,
        {{ field_issue('resolved_at', 'timestamp', 'parsed_resolved_at') }} as resolved_at_issue,
        {{ field_issue('handling_minutes', 'double', 'parsed_handling_minutes') }} as handling_minutes_issue,
        {{ field_issue('csat_score', 'integer', 'parsed_csat_score') }} as csat_score_issue
    from parsed
),

-- The optional values as staged: null where they cannot be kept.
kept as (
    select
        *,
        case when first_response_at_issue is null then parsed_first_response_at end as kept_first_response_at,
        case when resolved_at_issue is null then parsed_resolved_at end as kept_resolved_at,
        case when handling_minutes_issue is null then parsed_handling_minutes end as kept_handling_minutes,
        case when csat_score_issue is null then parsed_csat_score end as kept_csat_score
    from checked
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
        kept_handling_minutes as handling_minutes,
        kept_csat_score as csat_score,
        date_diff('second', parsed_created_at, kept_first_response_at) / 60.0 as first_response_minutes,
        date_diff('second', parsed_created_at, kept_resolved_at) / 3600.0 as resolution_hours,

        -- booleans
        kept_resolved_at is not null as is_resolved,

        -- timestamps
        parsed_created_at as created_at,
        kept_first_response_at as first_response_at,
        kept_resolved_at as resolved_at,

        -- why an optional value was set to null (null when it was kept), by raw column
        first_response_at_issue,
        resolved_at_issue,
        handling_minutes_issue,
        csat_score_issue,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ is_repeated_header('ticket_id') }} then 'repeated_header'
            when {{ clean_text('ticket_id') }} is null then 'missing_key'
            when
                {{ clean_text('crm_customer_id') }} is null or {{ clean_text('created_at') }} is null
                then 'missing_required_value'
            when {{ is_unparseable('created_at', 'timestamp', 'parsed_created_at') }} then 'unparseable_value'
            when parsed_created_at > {{ max_valid_date() }} + interval 1 day then 'future_date'
            when parsed_created_at < {{ min_valid_date() }} then 'implausible_date'
            when kept_handling_minutes < 0 then 'negative_duration'
            when kept_csat_score not between 1 and 5 then 'out_of_range'
            when
                kept_first_response_at < parsed_created_at
                or kept_resolved_at < parsed_created_at
                then 'inconsistent_timestamps'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from kept
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('ticket_id') }} as rejection_reason
    from typed
)

select * from final
