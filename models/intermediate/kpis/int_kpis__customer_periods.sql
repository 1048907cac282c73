-- What each customer did in each fiscal period, from the customer facts alone (segments are joined in
-- the KPI marts): revenue, margin, cost to serve, recurring revenue at the period's end, purchases,
-- tickets, survey answers and product use. Grain: one row per customer and fiscal period, from the
-- period of the customer's first fact to the period of the as-of date, quiet periods included, so
-- that windows over periods (activity, retention) count periods, not rows.
with

fiscal_periods as (
    select * from {{ ref('int_kpis__fiscal_periods') }}
),

invoices as (
    select * from {{ ref('int_customer_facts__invoices') }}
),

subscription_events as (
    select * from {{ ref('int_customer_facts__subscription_events') }}
),

tickets as (
    select * from {{ ref('int_customer_facts__tickets') }}
),

usage_days as (
    select * from {{ ref('int_customer_facts__usage_days') }}
),

nps_responses as (
    select * from {{ ref('int_customer_facts__nps_responses') }}
),

customer_features as (
    select * from {{ ref('int_features__customer_features') }}
),

customer_fact_spans as (
    select * from {{ ref('int_customer_facts__customer_fact_spans') }}
),

-- A customer's periods start with their first fact; a customer whose facts all come after the as-of
-- date has none.
customer_period_grid as (
    select
        customer_fact_spans.customer_id,
        fiscal_periods.fiscal_period,
        fiscal_periods.period_start_date,
        fiscal_periods.reported_through_date,
        fiscal_periods.period_ordinal
    from customer_fact_spans
    inner join fiscal_periods
        on customer_fact_spans.first_fact_date <= fiscal_periods.reported_through_date
),

invoice_periods as (
    select
        invoices.customer_id,
        fiscal_periods.fiscal_period,
        sum(invoices.amount_usd) filter (where invoices.is_revenue) as revenue_usd,
        sum(invoices.gross_margin_usd) filter (where invoices.is_revenue) as gross_margin_usd,
        count(*) filter (where invoices.is_purchase) as purchase_count,
        max(invoices.invoice_date) filter (where invoices.is_purchase) as last_purchase_date
    from invoices
    inner join fiscal_periods
        on invoices.invoice_date between fiscal_periods.period_start_date and fiscal_periods.reported_through_date
    group by invoices.customer_id, fiscal_periods.fiscal_period
),

-- Each subscription's MRR after its last event of the period; event_id breaks ties at the same instant.
subscription_period_ends as (
    select
        subscription_events.customer_id,
        subscription_events.subscription_id,
        fiscal_periods.fiscal_period,
        arg_max(
            subscription_events.mrr_after_usd, (subscription_events.event_at, subscription_events.event_id)
        ) as mrr_end_usd
    from subscription_events
    inner join fiscal_periods
        on
            cast(subscription_events.event_at as date)
            between fiscal_periods.period_start_date and fiscal_periods.reported_through_date
    group by subscription_events.customer_id, subscription_events.subscription_id, fiscal_periods.fiscal_period
),

subscription_first_periods as (
    select
        subscription_period_ends.customer_id,
        subscription_period_ends.subscription_id,
        min(fiscal_periods.period_start_date) as first_period_start_date
    from subscription_period_ends
    inner join fiscal_periods
        on subscription_period_ends.fiscal_period = fiscal_periods.fiscal_period
    group by subscription_period_ends.customer_id, subscription_period_ends.subscription_id
),

subscription_period_grid as (
    select
        subscription_first_periods.customer_id,
        subscription_first_periods.subscription_id,
        fiscal_periods.fiscal_period,
        fiscal_periods.period_start_date
    from subscription_first_periods
    inner join fiscal_periods
        on subscription_first_periods.first_period_start_date <= fiscal_periods.period_start_date
),

-- A subscription without events in a period keeps the MRR its last event left it with.
subscription_period_mrr as (
    select
        subscription_period_grid.customer_id,
        subscription_period_grid.fiscal_period,
        last_value(subscription_period_ends.mrr_end_usd ignore nulls) over (
            partition by subscription_period_grid.customer_id, subscription_period_grid.subscription_id
            order by subscription_period_grid.period_start_date
            rows between unbounded preceding and current row
        ) as mrr_end_usd
    from subscription_period_grid
    left join subscription_period_ends
        on
            subscription_period_grid.customer_id = subscription_period_ends.customer_id
            and subscription_period_grid.subscription_id = subscription_period_ends.subscription_id
            and subscription_period_grid.fiscal_period = subscription_period_ends.fiscal_period
),

mrr_periods as (
    select
        customer_id,
        fiscal_period,
        sum(mrr_end_usd) as mrr_end_usd
    from subscription_period_mrr
    group by customer_id, fiscal_period
),

ticket_periods as (
    select
        tickets.customer_id,
        fiscal_periods.fiscal_period,
        count(*) as ticket_count,
        sum(tickets.cost_to_serve_usd) as cost_to_serve_usd,
        count(tickets.csat_score) as csat_response_count,
        sum(tickets.csat_score) as csat_score_total
    from tickets
    inner join fiscal_periods
        on
            cast(
                tickets.created_at as date
            ) between fiscal_periods.period_start_date and fiscal_periods.reported_through_date
    group by tickets.customer_id, fiscal_periods.fiscal_period
),

usage_periods as (
    select
        usage_days.customer_id,
        fiscal_periods.fiscal_period,
        count(distinct usage_days.usage_date) as active_days,
        max(usage_days.features_used) as max_features_used
    from usage_days
    inner join fiscal_periods
        on usage_days.usage_date between fiscal_periods.period_start_date and fiscal_periods.reported_through_date
    group by usage_days.customer_id, fiscal_periods.fiscal_period
),

first_usage_dates as (
    select
        customer_id,
        min(usage_date) as first_usage_date
    from usage_days
    group by customer_id
),

nps_periods as (
    select
        nps_responses.customer_id,
        fiscal_periods.fiscal_period,
        count(*) as nps_response_count,
        count(*) filter (where nps_responses.nps_score >= 9) as nps_promoter_count,
        count(*) filter (where nps_responses.nps_score <= 6) as nps_detractor_count
    from nps_responses
    inner join fiscal_periods
        on
            cast(nps_responses.responded_at as date)
            between fiscal_periods.period_start_date and fiscal_periods.reported_through_date
    group by nps_responses.customer_id, fiscal_periods.fiscal_period
),

joined as (
    select
        customer_period_grid.customer_id,
        customer_period_grid.fiscal_period,
        customer_period_grid.period_start_date,
        customer_period_grid.reported_through_date,
        customer_period_grid.period_ordinal,
        coalesce(invoice_periods.revenue_usd, 0) as revenue_usd,
        coalesce(invoice_periods.gross_margin_usd, 0) as gross_margin_usd,
        coalesce(ticket_periods.cost_to_serve_usd, 0) as cost_to_serve_usd,
        coalesce(mrr_periods.mrr_end_usd, 0) as mrr_end_usd,
        coalesce(invoice_periods.purchase_count, 0) as purchase_count,
        invoice_periods.last_purchase_date as last_purchase_in_period_date,
        coalesce(ticket_periods.ticket_count, 0) as ticket_count,
        coalesce(ticket_periods.csat_response_count, 0) as csat_response_count,
        coalesce(ticket_periods.csat_score_total, 0) as csat_score_total,
        coalesce(nps_periods.nps_response_count, 0) as nps_response_count,
        coalesce(nps_periods.nps_promoter_count, 0) as nps_promoter_count,
        coalesce(nps_periods.nps_detractor_count, 0) as nps_detractor_count,
        coalesce(usage_periods.active_days, 0) as active_days,
        usage_periods.max_features_used,
        customer_features.customer_since_date,
        first_usage_dates.first_usage_date
    from customer_period_grid
    left join invoice_periods
        on
            customer_period_grid.customer_id = invoice_periods.customer_id
            and customer_period_grid.fiscal_period = invoice_periods.fiscal_period
    left join mrr_periods
        on
            customer_period_grid.customer_id = mrr_periods.customer_id
            and customer_period_grid.fiscal_period = mrr_periods.fiscal_period
    left join ticket_periods
        on
            customer_period_grid.customer_id = ticket_periods.customer_id
            and customer_period_grid.fiscal_period = ticket_periods.fiscal_period
    left join usage_periods
        on
            customer_period_grid.customer_id = usage_periods.customer_id
            and customer_period_grid.fiscal_period = usage_periods.fiscal_period
    left join nps_periods
        on
            customer_period_grid.customer_id = nps_periods.customer_id
            and customer_period_grid.fiscal_period = nps_periods.fiscal_period
    left join customer_features
        on customer_period_grid.customer_id = customer_features.customer_id
    left join first_usage_dates
        on customer_period_grid.customer_id = first_usage_dates.customer_id
),

windowed as (
    select
        *,
        max(last_purchase_in_period_date) over customer_history as last_purchase_date,
        max(mrr_end_usd) over customer_history as highest_mrr_usd,
        sum(revenue_usd) over trailing_revenue_window as trailing_revenue_usd
    from joined
    window
        customer_history as (
            partition by customer_id order by period_ordinal rows between unbounded preceding and current row
        ),
        trailing_revenue_window as (
            partition by customer_id order by period_ordinal
            rows between {{ var('kpi_retention_lookback_periods') - 1 }} preceding and current row
        )
),

final as (
    select
        customer_id,
        fiscal_period,
        period_ordinal,
        round(revenue_usd, 2) as revenue_usd,
        round(gross_margin_usd, 2) as gross_margin_usd,
        round(cost_to_serve_usd, 2) as cost_to_serve_usd,
        round(mrr_end_usd, 2) as mrr_end_usd,
        round(coalesce(lag(mrr_end_usd) over customer_order, 0), 2) as mrr_start_usd,
        round(trailing_revenue_usd, 2) as trailing_revenue_usd,
        -- Revenue over the same number of periods one lookback earlier: the retention base.
        round(
            coalesce(lag(trailing_revenue_usd, {{ var('kpi_retention_lookback_periods') }}) over customer_order, 0), 2
        )
            as lookback_trailing_revenue_usd,
        purchase_count,
        ticket_count,
        csat_response_count,
        csat_score_total,
        nps_response_count,
        nps_promoter_count,
        nps_detractor_count,
        active_days,
        max_features_used,
        last_purchase_date,
        lag(last_purchase_date) over customer_order as last_purchase_before_period_date,
        coalesce(lag(highest_mrr_usd) over customer_order, 0) > 0 as had_subscription_before_period,
        customer_since_date,
        customer_since_date between period_start_date and reported_through_date as is_first_period,
        first_usage_date,
        reported_through_date
    from windowed
    window customer_order as (partition by customer_id order by period_ordinal)
)

select * from final
