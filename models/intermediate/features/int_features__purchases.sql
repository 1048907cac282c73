-- Purchase behaviour per customer up to the as-of date: the buy-till-you-die summary (as lifetimes'
-- summary_data_from_transaction_data defines it, in days) and revenue and margin over trailing windows.
with

invoices as (
    select * from {{ ref('int_customer_facts__invoices') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

observed_invoices as (
    select
        invoices.*,
        as_of_date.as_of_date,
        as_of_date.as_of_date - invoices.invoice_date as days_before_as_of
    from invoices
    inner join as_of_date
        on invoices.invoice_date <= as_of_date.as_of_date
),

-- Several purchases on one day are one purchase occasion worth their sum, as in the BTYD literature and
-- lifetimes; a $0 order makes a purchase day too, credit notes never do (is_purchase).
purchase_days as (
    select
        customer_id,
        invoice_date as purchase_date,
        sum(amount_usd) as purchase_value_usd,
        row_number() over (partition by customer_id order by invoice_date) as purchase_day_number
    from observed_invoices
    where is_purchase
    group by customer_id, invoice_date
),

btyd_summary as (
    select
        customer_id,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        count(*) - 1 as repeat_purchase_count,
        -- Mean value of repeat purchase days only: the first purchase is excluded by definition.
        coalesce(avg(purchase_value_usd) filter (where purchase_day_number > 1), 0) as repeat_purchase_value_usd
    from purchase_days
    group by customer_id
),

window_totals as (
    select
        customer_id,
        count(*) filter (where is_purchase) as order_count,
        avg(amount_usd) filter (where is_purchase) as average_order_value_usd,
        count(*) filter (where is_purchase and days_before_as_of < 90) as order_count_90d,
        count(*) filter (where is_purchase and days_before_as_of < 365) as order_count_365d,
        sum(amount_usd) filter (where is_revenue) as revenue_usd,
        coalesce(sum(amount_usd) filter (where is_revenue and days_before_as_of < 90), 0) as revenue_90d_usd,
        coalesce(sum(amount_usd) filter (where is_revenue and days_before_as_of < 365), 0) as revenue_365d_usd,
        -- Margin only over invoices whose cost is known; the coverage says how much revenue that is.
        coalesce(
            sum(gross_margin_usd) filter (where is_revenue and days_before_as_of < 365 and cost_usd is not null), 0
        ) as gross_margin_365d_usd,
        coalesce(
            sum(amount_usd) filter (where is_revenue and days_before_as_of < 365 and cost_usd is not null), 0
        ) as costed_revenue_365d_usd,
        max(invoice_date) as last_invoice_date
    from observed_invoices
    group by customer_id
),

final as (
    select
        window_totals.customer_id,
        as_of_date.as_of_date,
        btyd_summary.first_purchase_date,
        btyd_summary.last_purchase_date,
        coalesce(btyd_summary.repeat_purchase_count, 0) as frequency,
        coalesce(btyd_summary.last_purchase_date - btyd_summary.first_purchase_date, 0) as recency_days,
        as_of_date.as_of_date - btyd_summary.first_purchase_date as customer_age_days,
        -- Not rounded: the spend model's input, and lifetimes' summary keeps every digit of the mean.
        coalesce(btyd_summary.repeat_purchase_value_usd, 0) as monetary_value_usd,
        as_of_date.as_of_date - btyd_summary.last_purchase_date as days_since_last_purchase,
        window_totals.order_count,
        round(window_totals.average_order_value_usd, 2) as average_order_value_usd,
        window_totals.order_count_90d,
        window_totals.order_count_365d,
        round(coalesce(window_totals.revenue_usd, 0), 2) as revenue_usd,
        round(window_totals.revenue_90d_usd, 2) as revenue_90d_usd,
        round(window_totals.revenue_365d_usd, 2) as revenue_365d_usd,
        round(window_totals.gross_margin_365d_usd, 2) as gross_margin_365d_usd,
        case
            when window_totals.revenue_365d_usd > 0
                then round(least(window_totals.costed_revenue_365d_usd / window_totals.revenue_365d_usd, 1), 4)
        end as margin_cost_coverage_rate,
        case
            when window_totals.costed_revenue_365d_usd > 0
                then round(window_totals.gross_margin_365d_usd / window_totals.costed_revenue_365d_usd, 4)
        end as gross_margin_rate,
        window_totals.last_invoice_date
    from window_totals
    cross join as_of_date
    left join btyd_summary
        on window_totals.customer_id = btyd_summary.customer_id
)

select * from final
