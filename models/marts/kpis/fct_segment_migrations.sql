-- Movement between segments from one snapshotted as-of date to the next: a from/to matrix with the
-- customers that moved (or stayed), the revenue they brought in between, and the share of the
-- origin segment that moved. Customers that entered have no origin; customers that left no destination.
with

segment_history as (
    select * from {{ ref('fct_customer_segment_history') }}
),

invoices as (
    select * from {{ ref('int_customer_facts__invoices') }}
),

segmentation_as_of_dates as (
    select * from {{ ref('fct_segmentation_as_of_dates') }}
),

observation_pairs as (
    select
        previous_as_of_date as from_as_of_date,
        as_of_date as to_as_of_date
    from segmentation_as_of_dates
    where previous_as_of_date is not null
),

-- A version holds on a date from its valid_from_date up to (not including) its valid_to_date.
segment_on_date as (
    select
        observation_pairs.from_as_of_date,
        observation_pairs.to_as_of_date,
        segment_history.customer_id,
        max(segment_history.segment_code) filter (
            where observation_pairs.from_as_of_date >= segment_history.valid_from_date
            and observation_pairs.from_as_of_date < coalesce(segment_history.valid_to_date, date '9999-12-31')
        ) as from_segment_code,
        max(segment_history.segment_code) filter (
            where observation_pairs.to_as_of_date >= segment_history.valid_from_date
            and observation_pairs.to_as_of_date < coalesce(segment_history.valid_to_date, date '9999-12-31')
        ) as to_segment_code
    from observation_pairs
    inner join segment_history
        on
            observation_pairs.to_as_of_date >= segment_history.valid_from_date
            and coalesce(segment_history.valid_to_date, date '9999-12-31') > observation_pairs.from_as_of_date
    group by observation_pairs.from_as_of_date, observation_pairs.to_as_of_date, segment_history.customer_id
),

revenue_between as (
    select
        observation_pairs.from_as_of_date,
        observation_pairs.to_as_of_date,
        invoices.customer_id,
        sum(invoices.amount_usd) as revenue_usd
    from invoices
    inner join observation_pairs
        on
            invoices.invoice_date > observation_pairs.from_as_of_date
            and invoices.invoice_date <= observation_pairs.to_as_of_date
    where invoices.is_revenue
    group by observation_pairs.from_as_of_date, observation_pairs.to_as_of_date, invoices.customer_id
),

transitions as (
    select
        segment_on_date.from_as_of_date,
        segment_on_date.to_as_of_date,
        segment_on_date.from_segment_code,
        segment_on_date.to_segment_code,
        count(*) as customer_count,
        round(coalesce(sum(revenue_between.revenue_usd), 0), 2) as revenue_usd
    from segment_on_date
    left join revenue_between
        on
            segment_on_date.from_as_of_date = revenue_between.from_as_of_date
            and segment_on_date.to_as_of_date = revenue_between.to_as_of_date
            and segment_on_date.customer_id = revenue_between.customer_id
    where segment_on_date.from_segment_code is not null or segment_on_date.to_segment_code is not null
    group by all
),

final as (
    select
        from_as_of_date,
        to_as_of_date,
        from_segment_code,
        to_segment_code,
        case
            when from_segment_code is null then 'entered'
            when to_segment_code is null then 'left'
            when from_segment_code = to_segment_code then 'stayed'
            else 'moved'
        end as movement_type,
        customer_count,
        revenue_usd,
        case when from_segment_code is not null then cast(sum(customer_count) over origin as bigint) end
            as from_segment_customer_count,
        case when from_segment_code is not null then round(customer_count / sum(customer_count) over origin, 4) end
            as share_of_from_segment
    from transitions
    window origin as (partition by from_as_of_date, to_as_of_date, from_segment_code)
)

select * from final
