-- Recurring revenue per customer at the as-of date and 90 days before it, and how it moved in between.
with

subscription_events as (
    select * from {{ ref('int_customer_facts__subscription_events') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

observed_events as (
    select
        subscription_events.*,
        as_of_date.as_of_date,
        cast(subscription_events.event_at as date) > as_of_date.as_of_date - 90 as is_last_90d
    from subscription_events
    inner join as_of_date
        on cast(subscription_events.event_at as date) <= as_of_date.as_of_date
),

-- Each subscription's MRR is the MRR after its latest event; event_id breaks ties at the same instant.
subscription_states as (
    select
        customer_id,
        subscription_id,
        arg_max(mrr_after_usd, (event_at, event_id)) as mrr_usd,
        arg_max(mrr_after_usd, (event_at, event_id)) filter (where not is_last_90d) as mrr_90d_ago_usd,
        sum(mrr_change_usd) filter (where is_last_90d and mrr_change_usd > 0) as expansion_mrr_90d_usd,
        sum(mrr_change_usd) filter (where is_last_90d and mrr_change_usd < 0) as contraction_mrr_90d_usd,
        min(event_at) as started_at,
        bool_or(event_type = 'cancel') as is_cancelled
    from observed_events
    group by customer_id, subscription_id
),

final as (
    select
        customer_id,
        round(sum(mrr_usd), 2) as mrr_usd,
        round(coalesce(sum(mrr_90d_ago_usd), 0), 2) as mrr_90d_ago_usd,
        round(sum(mrr_usd) - coalesce(sum(mrr_90d_ago_usd), 0), 2) as mrr_change_90d_usd,
        round(coalesce(sum(expansion_mrr_90d_usd), 0), 2) as expansion_mrr_90d_usd,
        round(coalesce(sum(contraction_mrr_90d_usd), 0), 2) as contraction_mrr_90d_usd,
        count(*) filter (where mrr_usd > 0) as active_subscription_count,
        count(*) as subscription_count,
        count(*) filter (where is_cancelled) as cancelled_subscription_count,
        cast(min(started_at) as date) as first_subscription_date
    from subscription_states
    group by customer_id
)

select * from final
