-- The balanced scorecard by segment and fiscal period. Every customer counts, for a period, in the
-- segment they held at its end (the snapshot version valid on that day; periods before the first
-- snapshot use the customer's earliest assignment, and say so in segment_basis). Definitions of every
-- KPI: models/marts/kpis/_kpis__docs.md. A KPI whose source the run lacks (YAML meta `requires`, e.g.
-- margin without invoice costs) is null, never 0; int_column_availability says why.
with

customer_periods as (
    select * from {{ ref('int_kpis__customer_periods') }}
),

fiscal_periods as (
    select * from {{ ref('int_kpis__fiscal_periods') }}
),

segment_history as (
    select * from {{ ref('fct_customer_segment_history') }}
),

attribute_versions as (
    select * from {{ ref('snp_customer_attributes') }}
),

segments as (
    select * from {{ ref('dim_segments') }}
),

churn_definitions as (
    select * from {{ ref('segment_churn_definitions') }}
),

tickets as (
    select * from {{ ref('int_customer_facts__tickets') }}
),

column_availability as (
    select * from {{ ref('int_column_availability') }}
),

available_columns as (
    {{ available_columns('column_availability') }}
),

first_versions as (
    select *
    from segment_history
    qualify row_number() over (partition by customer_id order by valid_from_date) = 1
),

-- The segment each customer held at the end of each period.
customer_period_segments as (
    select
        customer_periods.*,
        fiscal_periods.period_start_date,
        coalesce(held_version.segment_code, first_versions.segment_code) as segment_code,
        held_version.segment_code is null as is_segment_backfilled
    from customer_periods
    inner join fiscal_periods
        on customer_periods.fiscal_period = fiscal_periods.fiscal_period
    left join segment_history as held_version
        on
            customer_periods.customer_id = held_version.customer_id
            and customer_periods.reported_through_date >= held_version.valid_from_date
            and customer_periods.reported_through_date < coalesce(held_version.valid_to_date, date '9999-12-31')
    left join first_versions
        on customer_periods.customer_id = first_versions.customer_id
),

-- Activity at both ends of the period under the churn definition of the segment.
customer_period_activity as (
    select
        customer_period_segments.*,
        coalesce(segment_definition.churn_definition, default_definition.churn_definition) as churn_definition,
        coalesce(segment_definition.inactivity_days, default_definition.inactivity_days) as inactivity_days,
        lag(customer_period_segments.segment_code) over (
            partition by customer_period_segments.customer_id order by customer_period_segments.period_ordinal
        ) as previous_segment_code
    from customer_period_segments
    left join churn_definitions as segment_definition
        on customer_period_segments.segment_code = segment_definition.segment_code
    inner join churn_definitions as default_definition
        on default_definition.segment_code = '*'
),

customer_period_states as (
    select
        *,
        mrr_start_usd > 0
        or coalesce((period_start_date - 1) - last_purchase_before_period_date < inactivity_days, false)
            as is_active_at_start,
        mrr_end_usd > 0
        or coalesce(reported_through_date - last_purchase_date < inactivity_days, false) as is_active_at_end,
        last_purchase_before_period_date is null and not had_subscription_before_period as is_first_activity
    from customer_period_activity
),

customer_period_flags as (
    select
        *,
        not is_active_at_start and is_active_at_end and is_first_activity as is_new,
        not is_active_at_start and is_active_at_end and not is_first_activity as is_reactivated,
        is_active_at_start and not is_active_at_end as is_lost,
        is_active_at_start
        and (
            not is_active_at_end
            or (churn_definition = 'downgrade' and mrr_end_usd < mrr_start_usd)
        ) as is_churned
    from customer_period_states
),

-- Predicted CLV as the snapshot knew it on the period's last reported day (never a later prediction).
customer_period_clv as (
    select
        customer_period_flags.customer_id,
        customer_period_flags.fiscal_period,
        attribute_versions.predicted_clv_usd
    from customer_period_flags
    inner join attribute_versions
        on
            customer_period_flags.customer_id = attribute_versions.customer_id
            and customer_period_flags.reported_through_date >= attribute_versions.as_of_date
    where customer_period_flags.is_active_at_end
    qualify row_number() over (
        partition by customer_period_flags.customer_id, customer_period_flags.fiscal_period
        order by attribute_versions.as_of_date desc, attribute_versions.dbt_valid_from desc
    ) = 1
),

-- First responses against the SLA of the segment the customer held at the period's end; a ticket
-- still waiting past its deadline counts as missed.
ticket_sla as (
    select
        customer_period_flags.fiscal_period,
        customer_period_flags.segment_code,
        count(*) filter (
            where tickets.first_response_minutes is not null
            or tickets.created_at + to_hours(segments.sla_first_response_hours)
            < customer_period_flags.reported_through_date + 1
        ) as sla_ticket_count,
        count(*) filter (
            where tickets.first_response_minutes <= segments.sla_first_response_hours * 60
        ) as sla_met_ticket_count
    from tickets
    inner join customer_period_flags
        on
            tickets.customer_id = customer_period_flags.customer_id
            and cast(tickets.created_at as date)
            between customer_period_flags.period_start_date and customer_period_flags.reported_through_date
    inner join segments
        on customer_period_flags.segment_code = segments.segment_code
    group by customer_period_flags.fiscal_period, customer_period_flags.segment_code
),

migrations_out as (
    select
        fiscal_period,
        previous_segment_code as segment_code,
        count(*) as migrated_out_customers
    from customer_period_flags
    where previous_segment_code != segment_code
    group by fiscal_period, previous_segment_code
),

segment_periods as (
    select
        customer_period_flags.fiscal_period,
        customer_period_flags.segment_code,
        case
            when bool_or(customer_period_flags.is_segment_backfilled) then 'earliest_assignment' else 'as_assigned'
        end as segment_basis,
        any_value(customer_period_flags.churn_definition) as churn_definition,
        count(*) filter (where customer_period_flags.is_active_at_start) as opening_customers,
        count(*) filter (where customer_period_flags.is_new) as new_customers,
        count(*) filter (where customer_period_flags.is_reactivated) as reactivated_customers,
        count(*) filter (where customer_period_flags.is_lost) as lost_customers,
        count(*) filter (where customer_period_flags.is_churned) as churned_customers,
        count(*) filter (where customer_period_flags.is_active_at_end) as closing_customers,
        sum(customer_period_flags.revenue_usd) as revenue_usd,
        sum(customer_period_flags.gross_margin_usd) as gross_margin_usd,
        sum(customer_period_flags.cost_to_serve_usd) as cost_to_serve_usd,
        sum(customer_period_flags.lookback_trailing_revenue_usd) as retention_base_revenue_usd,
        sum(customer_period_flags.trailing_revenue_usd) filter (
            where customer_period_flags.lookback_trailing_revenue_usd > 0
        ) as retained_revenue_usd,
        sum(
            least(
                greatest(customer_period_flags.trailing_revenue_usd, 0),
                customer_period_flags.lookback_trailing_revenue_usd
            )
        ) filter (where customer_period_flags.lookback_trailing_revenue_usd > 0) as gross_retained_revenue_usd,
        count(customer_period_clv.predicted_clv_usd) as predicted_clv_customer_count,
        avg(customer_period_clv.predicted_clv_usd) as average_predicted_clv_usd,
        sum(customer_period_flags.nps_response_count) as nps_response_count,
        sum(customer_period_flags.nps_promoter_count) as nps_promoter_count,
        sum(customer_period_flags.nps_detractor_count) as nps_detractor_count,
        sum(customer_period_flags.csat_response_count) as csat_response_count,
        sum(customer_period_flags.csat_score_total) as csat_score_total,
        sum(customer_period_flags.ticket_count) as ticket_count,
        count(*) filter (
            where customer_period_flags.is_first_period
            and customer_period_flags.first_usage_date <= customer_period_flags.reported_through_date
        ) as activated_customer_count,
        median(customer_period_flags.first_usage_date - customer_period_flags.customer_since_date) filter (
            where customer_period_flags.is_first_period
            and customer_period_flags.first_usage_date <= customer_period_flags.reported_through_date
        ) as median_days_to_activation,
        count(*) filter (where customer_period_flags.active_days > 0) as adopting_customer_count,
        avg(customer_period_flags.max_features_used / {{ var('product_feature_count') }}) filter (
            where customer_period_flags.active_days > 0
        ) as feature_adoption_rate,
        count(*) filter (
            where customer_period_flags.previous_segment_code != customer_period_flags.segment_code
        ) as migrated_in_customers
    from customer_period_flags
    left join customer_period_clv
        on
            customer_period_flags.customer_id = customer_period_clv.customer_id
            and customer_period_flags.fiscal_period = customer_period_clv.fiscal_period
    group by customer_period_flags.fiscal_period, customer_period_flags.segment_code
),

scorecard as (
    select
        fiscal_periods.fiscal_period,
        fiscal_periods.fiscal_year,
        fiscal_periods.fiscal_quarter,
        fiscal_periods.period_start_date,
        fiscal_periods.period_end_date,
        fiscal_periods.is_period_complete,
        segment_periods.segment_code,
        segments.segment_name,
        segment_periods.segment_basis,
        segment_periods.churn_definition,
        -- customers
        segment_periods.opening_customers,
        segment_periods.new_customers,
        segment_periods.reactivated_customers,
        segment_periods.lost_customers,
        segment_periods.churned_customers,
        segment_periods.closing_customers,
        -- money
        round(segment_periods.revenue_usd, 2) as revenue_usd,
        round(segment_periods.revenue_usd / nullif(sum(segment_periods.revenue_usd) over period_segments, 0), 4)
            as revenue_share,
        round(segment_periods.gross_margin_usd, 2) as gross_margin_usd,
        round(segment_periods.gross_margin_usd / nullif(segment_periods.revenue_usd, 0), 4) as gross_margin_rate,
        round(segment_periods.cost_to_serve_usd, 2) as cost_to_serve_usd,
        round(segment_periods.gross_margin_usd - segment_periods.cost_to_serve_usd, 2)
            as margin_after_cost_to_serve_usd,
        round(
            segment_periods.revenue_usd
            / nullif((segment_periods.opening_customers + segment_periods.closing_customers) / 2, 0),
            2
        ) as arpa_usd,
        segment_periods.cost_to_serve_usd > segment_periods.gross_margin_usd as is_cross_subsidized,
        -- retention: only once the facts reach back over both spans (the base span and this one)
        {%- set lookback = var('kpi_retention_lookback_periods') %}
        {%- set covered = 'fiscal_periods.period_ordinal >= ' ~ (2 * lookback) %}
        case when {{ covered }} then round(segment_periods.retention_base_revenue_usd, 2) end
            as retention_base_revenue_usd,
        case when {{ covered }} then round(coalesce(segment_periods.retained_revenue_usd, 0), 2) end
            as retained_revenue_usd,
        case when {{ covered }} then round(coalesce(segment_periods.gross_retained_revenue_usd, 0), 2) end
            as gross_retained_revenue_usd,
        case when {{ covered }} then round(
            segment_periods.retained_revenue_usd / nullif(segment_periods.retention_base_revenue_usd, 0), 4
        ) end as net_revenue_retention_rate,
        case when {{ covered }} then round(
            segment_periods.gross_retained_revenue_usd / nullif(segment_periods.retention_base_revenue_usd, 0), 4
        ) end as gross_revenue_retention_rate,
        round(segment_periods.churned_customers / nullif(segment_periods.opening_customers, 0), 4) as logo_churn_rate,
        -- value and voice
        segment_periods.predicted_clv_customer_count,
        round(segment_periods.average_predicted_clv_usd, 2) as average_predicted_clv_usd,
        cast(segment_periods.nps_response_count as bigint) as nps_response_count,
        round(
            100.0 * (segment_periods.nps_promoter_count - segment_periods.nps_detractor_count)
            / nullif(segment_periods.nps_response_count, 0),
            1
        ) as net_promoter_score,
        cast(segment_periods.csat_response_count as bigint) as csat_response_count,
        round(segment_periods.csat_score_total / nullif(segment_periods.csat_response_count, 0), 2) as csat_average,
        -- service
        cast(segment_periods.ticket_count as bigint) as ticket_count,
        round(
            segment_periods.ticket_count
            / nullif((segment_periods.opening_customers + segment_periods.closing_customers) / 2, 0),
            3
        ) as tickets_per_customer,
        coalesce(ticket_sla.sla_ticket_count, 0) as sla_ticket_count,
        coalesce(ticket_sla.sla_met_ticket_count, 0) as sla_met_ticket_count,
        round(ticket_sla.sla_met_ticket_count / nullif(ticket_sla.sla_ticket_count, 0), 4) as sla_attainment_rate,
        -- product
        segment_periods.activated_customer_count,
        segment_periods.median_days_to_activation,
        segment_periods.adopting_customer_count,
        round(segment_periods.feature_adoption_rate, 4) as feature_adoption_rate,
        -- movement
        segment_periods.migrated_in_customers,
        coalesce(migrations_out.migrated_out_customers, 0) as migrated_out_customers
    from segment_periods
    inner join fiscal_periods
        on segment_periods.fiscal_period = fiscal_periods.fiscal_period
    left join segments
        on segment_periods.segment_code = segments.segment_code
    left join ticket_sla
        on
            segment_periods.fiscal_period = ticket_sla.fiscal_period
            and segment_periods.segment_code = ticket_sla.segment_code
    left join migrations_out
        on
            segment_periods.fiscal_period = migrations_out.fiscal_period
            and segment_periods.segment_code = migrations_out.segment_code
    window period_segments as (partition by segment_periods.fiscal_period)
),

final as (
    select {{ star_with_absent_sources_nulled('scorecard') }}
    from scorecard
    cross join available_columns
)

-- The columns are those of the model's YAML: sqlfluff cannot count through `* replace`.
select * from final  -- noqa: AM04
