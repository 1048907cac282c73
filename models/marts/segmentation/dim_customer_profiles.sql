-- The attributes of each customer that segmentation reads, at the as-of date: who the customer is
-- (party type, country, industry, size) and the behaviour features the policy seed allows. No direct
-- identifiers: this is what history of segmentation inputs is kept of (snp_customer_attributes).
with

customer_features as (
    select * from {{ ref('int_features__customer_features') }}
),

final as (
    select
        customer_id,
        party_type,
        country_code,
        industry,
        employee_count,
        customer_since_date,
        tenure_days,
        average_order_value_usd,
        orders_per_month_365d,
        revenue_365d_usd,
        gross_margin_rate,
        tickets_per_month_365d,
        cost_to_serve_per_month_365d_usd,
        margin_after_cost_to_serve_365d_usd,
        mrr_usd,
        active_days_365d,
        feature_adoption_rate,
        net_promoter_score_365d,
        predicted_clv_usd,
        churn_risk_score,
        data_completeness_score,
        as_of_date
    from customer_features
)

select * from final
