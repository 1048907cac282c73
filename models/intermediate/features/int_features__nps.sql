-- Net Promoter Score per customer over the 365 days up to the as-of date, with the response count so
-- that one answer is not read as a trend.
with

nps_responses as (
    select * from {{ ref('int_customer_facts__nps_responses') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

observed_responses as (
    select nps_responses.*
    from nps_responses
    inner join as_of_date
        on
            cast(nps_responses.responded_at as date) <= as_of_date.as_of_date
            and cast(nps_responses.responded_at as date) > as_of_date.as_of_date - 365
),

final as (
    select
        customer_id,
        count(*) as nps_response_count_365d,
        round(avg(nps_score), 2) as nps_score_average_365d,
        -- The customer's own NPS: share of promoters minus share of detractors, -100..100.
        round(
            100.0 * (count(*) filter (where nps_score >= 9) - count(*) filter (where nps_score <= 6)) / count(*), 1
        ) as net_promoter_score_365d,
        arg_max(nps_score, (responded_at, response_id)) as latest_nps_score
    from observed_responses
    group by customer_id
)

select * from final
