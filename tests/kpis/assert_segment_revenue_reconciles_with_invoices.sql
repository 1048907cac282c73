-- Revenue summed over segments equals the revenue of the attributed invoices of each fiscal period
-- (up to the as-of date), to the cent: no invoice is lost or counted twice by the segment lens.
-- Failures are stored: dbt prints the query that lists them, with their messages.
{{ config(store_failures=true) }}

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
        count(*) as invoice_count,
        min(invoices.invoice_date) as first_invoice_date,
        max(invoices.invoice_date) as last_invoice_date,
        sum(invoices.amount_usd) as revenue_usd
    from invoices
    cross join as_of_date
    left join fiscal_periods
        on invoices.invoice_date between fiscal_periods.period_start_date and fiscal_periods.period_end_date
    where invoices.is_revenue and invoices.invoice_date <= as_of_date.as_of_date
    group by fiscal_periods.fiscal_period
),

compared as (
    select
        coalesce(invoice_revenue.fiscal_period, kpi_revenue.fiscal_period) as fiscal_period,
        invoice_revenue.invoice_count,
        invoice_revenue.first_invoice_date,
        invoice_revenue.last_invoice_date,
        round(invoice_revenue.revenue_usd, 2) as invoice_revenue_usd,
        round(kpi_revenue.revenue_usd, 2) as kpi_revenue_usd,
        round(coalesce(kpi_revenue.revenue_usd, 0) - coalesce(invoice_revenue.revenue_usd, 0), 2) as difference_usd,
        invoice_revenue.revenue_usd is not null and invoice_revenue.fiscal_period is null as is_outside_calendar
    from invoice_revenue
    full outer join kpi_revenue
        on invoice_revenue.fiscal_period = kpi_revenue.fiscal_period
),

validation_errors as (
    select
        *,
        case
            when is_outside_calendar
                then
                    invoice_count || ' revenue invoices (' || printf('%.2f', invoice_revenue_usd) || ' USD, '
                    || first_invoice_date || ' to ' || last_invoice_date
                    || ') are dated outside the fiscal calendar, so no period'
                    || ' counts them: see test assert_fiscal_calendar_covers_the_facts'
            when kpi_revenue_usd is null
                then
                    fiscal_period || ': fct_segment_kpis has no rows, but ' || invoice_count
                    || ' revenue invoices bring ' || printf('%.2f', invoice_revenue_usd) || ' USD'
            else
                fiscal_period || ': segments of fct_segment_kpis sum to ' || printf('%.2f', kpi_revenue_usd)
                || ' USD, the ' || coalesce(invoice_count, 0) || ' revenue invoices of the period to '
                || printf('%.2f', coalesce(invoice_revenue_usd, 0)) || ' USD (difference '
                || printf('%.2f', difference_usd) || ' USD)'
        end as message
    from compared
    where is_outside_calendar or abs(difference_usd) >= 0.005
)

select * from validation_errors
