-- Revenue summed over segments equals the revenue of the attributed invoices of each fiscal period
-- (up to the as-of date), to the cent: no invoice is lost or counted twice by the segment lens.
with

segment_kpis as (
    select * from {{ ref('fct_segment_kpis') }}
),

invoices as (
    select * from {{ ref('int_customer_facts__invoices') }}
),

fiscal_periods as (
    select * from {{ ref('int_kpis__fiscal_periods') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

kpi_revenue as (
    select
        fiscal_period,
        sum(revenue_usd) as revenue_usd
    from segment_kpis
    group by fiscal_period
),

invoice_revenue as (
    select
        fiscal_periods.fiscal_period,
        sum(invoices.amount_usd) as revenue_usd
    from invoices
    cross join as_of_date
    left join fiscal_periods
        on invoices.invoice_date between fiscal_periods.period_start_date and fiscal_periods.period_end_date
    where invoices.is_revenue and invoices.invoice_date <= as_of_date.as_of_date
    group by fiscal_periods.fiscal_period
),

validation_errors as (
    select
        coalesce(invoice_revenue.fiscal_period, kpi_revenue.fiscal_period) as fiscal_period,
        invoice_revenue.revenue_usd as invoice_revenue_usd,
        kpi_revenue.revenue_usd as kpi_revenue_usd
    from invoice_revenue
    full outer join kpi_revenue
        on invoice_revenue.fiscal_period = kpi_revenue.fiscal_period
    where
        invoice_revenue.fiscal_period is null
        or abs(coalesce(invoice_revenue.revenue_usd, 0) - coalesce(kpi_revenue.revenue_usd, 0)) >= 0.005
)

select * from validation_errors
