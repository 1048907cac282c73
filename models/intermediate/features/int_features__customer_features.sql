-- One row per customer at the as-of date: every feature segmentation may use, with flags that say
-- which data is missing or stale. Activity with no rows is a true zero (no invoice billed, no ticket
-- opened) when the run has the source; a feature whose source is absent is null for everyone (its
-- sources are declared in the YAML; int_column_availability says why). Ratios and scores with nothing
-- to measure stay null, never imputed.
{#- Completeness checks: (flag whose declared sources make the check apply, what passing means, who it applies to). #}
{%- set completeness_checks = [
    ('has_billing_record', 'has_billing_record', 'true'),
    ('has_purchase_history', 'has_purchase_history', 'true'),
    ('is_financial_data_stale', 'has_purchase_history and not is_financial_data_stale', 'true'),
    ('is_margin_incomplete', 'has_purchase_history and not is_margin_incomplete', 'true'),
    ('has_service_record', 'has_service_record', 'true'),
    ('has_recent_feedback', 'has_recent_feedback', 'true'),
    ('has_firmographics', 'has_firmographics', "party_type = 'organization'"),
] %}
with

golden_records as (
    select * from {{ ref('int_identity__golden_records') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

purchases as (
    select * from {{ ref('int_features__purchases') }}
),

subscriptions as (
    select * from {{ ref('int_features__subscriptions') }}
),

service as (
    select * from {{ ref('int_features__service') }}
),

engagement as (
    select * from {{ ref('int_features__engagement') }}
),

nps as (
    select * from {{ ref('int_features__nps') }}
),

firmographics as (
    select * from {{ ref('int_features__firmographics') }}
),

clv as (
    select * from {{ ref('int_features__clv') }}
),

churn_propensity as (
    select * from {{ ref('int_features__churn_propensity') }}
),

column_availability as (
    select * from {{ ref('int_column_availability') }}
),

-- One row: whether this run has the sources of each feature and completeness check.
available_columns as (
    {{ available_columns('column_availability') }}
),

customers as (
    select
        golden_records.customer_id,
        golden_records.party_type,
        golden_records.country_code,
        list_contains(golden_records.source_systems, 'erp') as has_billing_record,
        list_contains(golden_records.source_systems, 'crm') as has_service_record,
        least(
            cast(golden_records.first_seen_at as date),
            purchases.first_purchase_date,
            subscriptions.first_subscription_date,
            engagement.first_active_date
        ) as customer_since_date
    from golden_records
    left join purchases
        on golden_records.customer_id = purchases.customer_id
    left join subscriptions
        on golden_records.customer_id = subscriptions.customer_id
    left join engagement
        on golden_records.customer_id = engagement.customer_id
),

-- Months a 365-day rate is taken over: the last year, or the tenure when shorter (at least a month).
customer_windows as (
    select
        customers.*,
        greatest(least(as_of_date.as_of_date - customers.customer_since_date, 365), 30) / 30.4375
            as observed_months_365d
    from customers
    cross join as_of_date
),

joined as (
    select
        customers.customer_id,
        as_of_date.as_of_date,
        customers.party_type,
        customers.country_code,
        customers.customer_since_date,
        as_of_date.as_of_date - customers.customer_since_date as tenure_days,
        -- purchases (buy-till-you-die summary, days)
        coalesce(purchases.frequency, 0) as frequency,
        coalesce(purchases.recency_days, 0) as recency_days,
        purchases.customer_age_days,
        coalesce(purchases.monetary_value_usd, 0) as monetary_value_usd,
        purchases.days_since_last_purchase,
        coalesce(purchases.order_count_90d, 0) as order_count_90d,
        coalesce(purchases.order_count_365d, 0) as order_count_365d,
        coalesce(purchases.revenue_usd, 0) as revenue_usd,
        coalesce(purchases.revenue_90d_usd, 0) as revenue_90d_usd,
        coalesce(purchases.revenue_365d_usd, 0) as revenue_365d_usd,
        -- predicted value (BG/NBD and Gamma-Gamma; null without purchases)
        clv.expected_purchases as expected_purchases_clv_horizon,
        clv.probability_alive,
        clv.predicted_clv_usd,
        churn_propensity.churn_risk_score,
        purchases.average_order_value_usd,
        round(
            coalesce(purchases.order_count_365d, 0)
            / customers.observed_months_365d,
            4
        ) as orders_per_month_365d,
        -- margin and cost to serve
        coalesce(purchases.gross_margin_365d_usd, 0) as gross_margin_365d_usd,
        purchases.gross_margin_rate,
        purchases.margin_cost_coverage_rate,
        coalesce(service.ticket_count_365d, 0) as ticket_count_365d,
        coalesce(service.urgent_ticket_count_365d, 0) as urgent_ticket_count_365d,
        coalesce(service.handling_minutes_365d, 0) as handling_minutes_365d,
        coalesce(service.cost_to_serve_365d_usd, 0) as cost_to_serve_365d_usd,
        round(
            coalesce(service.ticket_count_365d, 0)
            / customers.observed_months_365d,
            4
        ) as tickets_per_month_365d,
        round(
            coalesce(service.cost_to_serve_365d_usd, 0)
            / customers.observed_months_365d,
            2
        ) as cost_to_serve_per_month_365d_usd,
        round(coalesce(purchases.gross_margin_365d_usd, 0) - coalesce(service.cost_to_serve_365d_usd, 0), 2)
            as margin_after_cost_to_serve_365d_usd,
        -- subscriptions
        coalesce(subscriptions.mrr_usd, 0) as mrr_usd,
        coalesce(subscriptions.mrr_change_90d_usd, 0) as mrr_change_90d_usd,
        coalesce(subscriptions.expansion_mrr_90d_usd, 0) as expansion_mrr_90d_usd,
        coalesce(subscriptions.contraction_mrr_90d_usd, 0) as contraction_mrr_90d_usd,
        coalesce(subscriptions.active_subscription_count, 0) as active_subscription_count,
        -- engagement
        coalesce(engagement.active_days_90d, 0) as active_days_90d,
        coalesce(engagement.active_days_365d, 0) as active_days_365d,
        coalesce(engagement.sessions_90d, 0) as sessions_90d,
        coalesce(engagement.feature_adoption_rate, 0) as feature_adoption_rate,
        engagement.last_active_date,
        -- satisfaction
        coalesce(nps.nps_response_count_365d, 0) as nps_response_count_365d,
        nps.net_promoter_score_365d,
        nps.latest_nps_score,
        coalesce(service.csat_response_count_365d, 0) as csat_response_count_365d,
        service.csat_average_365d,
        -- firmographics
        firmographics.industry,
        firmographics.employee_count,
        firmographics.annual_revenue_usd,
        firmographics.credit_score,
        firmographics.firmographics_age_days,
        -- completeness
        customers.has_billing_record,
        customers.has_service_record,
        purchases.first_purchase_date is not null as has_purchase_history,
        coalesce(
            purchases.last_invoice_date < as_of_date.as_of_date - {{ var('features_stale_after_days') }}, false
        ) as is_financial_data_stale,
        coalesce(purchases.margin_cost_coverage_rate < {{ var('features_min_margin_cost_coverage') }}, false)
            as is_margin_incomplete,
        coalesce(nps.nps_response_count_365d, 0) + coalesce(service.csat_response_count_365d, 0) > 0
            as has_recent_feedback,
        firmographics.customer_id is not null as has_firmographics
    from customer_windows as customers
    cross join as_of_date
    left join purchases
        on customers.customer_id = purchases.customer_id
    left join subscriptions
        on customers.customer_id = subscriptions.customer_id
    left join service
        on customers.customer_id = service.customer_id
    left join engagement
        on customers.customer_id = engagement.customer_id
    left join nps
        on customers.customer_id = nps.customer_id
    left join firmographics
        on customers.customer_id = firmographics.customer_id
    left join clv
        on customers.customer_id = clv.customer_id
    left join churn_propensity
        on customers.customer_id = churn_propensity.customer_id
    -- Customers who only appear after the as-of date were not customers yet.
    where coalesce(customers.customer_since_date <= as_of_date.as_of_date, true)
),

-- Features whose sources this run lacks are null, not the zeros the joins above give.
sourced as (
    select {{ star_with_absent_sources_nulled('joined') }}
    from joined
    cross join available_columns
),

final as (
    select
        sourced.*,
        -- Share of the completeness checks a customer passes, among those this run has the sources for.
        round(
            (
                {%- for flag, passes, applies in completeness_checks %}
                    case
                        when available_columns.{{ flag }}__is_available and {{ applies }}
                            then cast({{ passes }} as integer)
                        else 0
                    end{{ ' +' if not loop.last }}
                {%- endfor %}
            ) / nullif(
                {%- for flag, passes, applies in completeness_checks %}
                    case when available_columns.{{ flag }}__is_available and {{ applies }} then 1 else 0 end
                    {{- ' +' if not loop.last }}
                {%- endfor %},
                0
            ),
            4
        ) as data_completeness_score
    from sourced
    cross join available_columns
)

-- The columns are those of the model's YAML: sqlfluff cannot count through `* replace`.
select * from final  -- noqa: AM04
