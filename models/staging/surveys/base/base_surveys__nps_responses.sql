-- Every raw NPS response row, typed, with the reason it cannot be staged (null when it can). Its typed
-- columns (the answer and its time) are all required.
with

raw_rows as (
    {{ raw_rows_numbered(source('surveys', 'nps_responses')) }}
),

-- Each typed value converted once from what arrived.
parsed as (
    select
        *,
        try_cast(nps_score as integer) as parsed_nps_score,
        {{ parse_timestamp('responded_at') }} as parsed_responded_at
    from raw_rows
),

typed as (
    select
        -- ids
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('crm_customer_id') }} as crm_customer_id,

        -- strings
        {{ normalize_email('respondent_email') }} as respondent_email,
        lower({{ clean_text('survey_channel') }}) as survey_channel,
        {{ clean_text('comment') }} as comment,
        case
            when parsed_nps_score >= 9 then 'promoter'
            when parsed_nps_score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,

        -- numerics
        parsed_nps_score as nps_score,

        -- booleans
        {{ is_malformed_email('respondent_email') }} as is_email_malformed,

        -- timestamps
        parsed_responded_at as responded_at,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ is_repeated_header('response_id') }} then 'repeated_header'
            when {{ clean_text('response_id') }} is null then 'missing_key'
            when
                {{ clean_text('responded_at') }} is null or {{ clean_text('nps_score') }} is null
                then 'missing_required_value'
            when
                {{ is_unparseable('responded_at', 'timestamp', 'parsed_responded_at') }}
                or {{ is_unparseable('nps_score', 'integer', 'parsed_nps_score') }}
                then 'unparseable_value'
            when parsed_nps_score not between 0 and 10 then 'out_of_range'
            when parsed_responded_at > {{ max_valid_date() }} + interval 1 day then 'future_date'
            when parsed_responded_at < {{ min_valid_date() }} then 'implausible_date'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from parsed
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('response_id') }} as rejection_reason
    from typed
)

select * from final
