-- Every raw NPS response row, typed, with the reason it cannot be staged (null when it can).
with

raw_rows as (
    {{ raw_rows_numbered(source('surveys', 'nps_responses')) }}
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
            when try_cast(nps_score as integer) >= 9 then 'promoter'
            when try_cast(nps_score as integer) >= 7 then 'passive'
            else 'detractor'
        end as nps_category,

        -- numerics
        try_cast(nps_score as integer) as nps_score,

        -- booleans
        {{ is_malformed_email('respondent_email') }} as is_email_malformed,

        -- timestamps
        try_cast(responded_at as timestamp) as responded_at,

        -- lineage of the raw row
        case
            when copy_number > 1 then 'exact_duplicate'
            -- A record of the CSV file that the reader could not split into columns or decode.
            when unreadable_reason is not null then unreadable_reason
            when {{ clean_text('response_id') }} is null then 'missing_key'
            when
                {{ clean_text('responded_at') }} is null or {{ clean_text('nps_score') }} is null
                then 'missing_required_value'
            when
                {{ is_unparseable('responded_at', 'timestamp') }}
                or {{ is_unparseable('nps_score', 'integer') }}
                then 'unparseable_value'
            when try_cast(nps_score as integer) not between 0 and 10 then 'out_of_range'
            when try_cast(responded_at as timestamp) > {{ max_valid_date() }} + interval 1 day then 'future_date'
            when try_cast(responded_at as timestamp) < {{ min_valid_date() }} then 'implausible_date'
        end as row_rejection_reason,
        copy_number,
        raw_record
    from raw_rows
),

final as (
    select
        * exclude (row_rejection_reason),
        {{ final_rejection_reason('response_id') }} as rejection_reason
    from typed
)

select * from final
