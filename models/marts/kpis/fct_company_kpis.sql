-- Company totals by fiscal period: counts and money summed over segments, and every rate averaged
-- over segments weighted by their revenue, so that many small, low-value customers do not dominate
-- a company figure. The customer-weighted rate is given beside it for comparison. A KPI whose source the
-- run lacks is null, as in the segment scorecard (int_column_availability says why).
with

segment_kpis as (
    select * from {{ ref('fct_segment_kpis') }}
),

column_availability as (
    select * from {{ ref('int_column_availability') }}
),

available_columns as (
    {{ available_columns('column_availability') }}
),

company_totals as (
    select
        fiscal_period,
        fiscal_year,
        fiscal_quarter,
        period_start_date,
        period_end_date,
        is_period_complete,
        count(*) as segment_count,
        -- totals
        cast(sum(opening_customers) as bigint) as opening_customers,
        cast(sum(new_customers) as bigint) as new_customers,
        cast(sum(reactivated_customers) as bigint) as reactivated_customers,
        cast(sum(lost_customers) as bigint) as lost_customers,
        cast(sum(churned_customers) as bigint) as churned_customers,
        cast(sum(closing_customers) as bigint) as closing_customers,
        round(sum(revenue_usd), 2) as revenue_usd,
        round(sum(gross_margin_usd), 2) as gross_margin_usd,
        round(sum(cost_to_serve_usd), 2) as cost_to_serve_usd,
        round(sum(margin_after_cost_to_serve_usd), 2) as margin_after_cost_to_serve_usd,
        cast(sum(ticket_count) as bigint) as ticket_count,
        cast(sum(nps_response_count) as bigint) as nps_response_count,
        cast(sum(csat_response_count) as bigint) as csat_response_count,
        count(*) filter (where is_cross_subsidized) as cross_subsidized_segment_count,
        -- revenue-weighted averages of the segments' rates
        {%- for kpi in ['gross_margin_rate', 'net_revenue_retention_rate', 'gross_revenue_retention_rate',
                        'logo_churn_rate', 'net_promoter_score', 'csat_average', 'sla_attainment_rate',
                        'feature_adoption_rate', 'average_predicted_clv_usd'] %}
            round(
                sum({{ kpi }} * revenue_usd) filter (where {{ kpi }} is not null and revenue_usd > 0)
                / nullif(sum(revenue_usd) filter (where {{ kpi }} is not null and revenue_usd > 0), 0),
                4
            ) as revenue_weighted_{{ kpi }},
        {%- endfor %}
        -- customer-weighted, for comparison
        round(sum(churned_customers) / nullif(sum(opening_customers), 0), 4) as logo_churn_rate,
        round(sum(gross_margin_usd) / nullif(sum(revenue_usd), 0), 4) as gross_margin_rate
    from segment_kpis
    group by fiscal_period, fiscal_year, fiscal_quarter, period_start_date, period_end_date, is_period_complete
),

final as (
    select {{ star_with_absent_sources_nulled('company_totals') }}
    from company_totals
    cross join available_columns
)

-- The columns are those of the model's YAML: sqlfluff cannot count through `* replace`.
select * from final  -- noqa: AM04
