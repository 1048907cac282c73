-- Every segment KPI that has a target, per period: actual, target, variance and whether it breaches,
-- with severity. The most specific target applies (segment over `*`, period over standing). Filter on
-- is_breach for the escalation list. Survey KPIs with fewer answers than var kpi_min_responses are not
-- judged (status insufficient_data): a handful of answers is not a trend. A KPI whose source the run lacks
-- is not judged either (status source_absent, with the reason from int_column_availability).
{%- set kpis = kpi_target_columns() %}
{%- set response_counts = {'net_promoter_score': 'nps_response_count', 'csat_average': 'csat_response_count'} %}
with

segment_kpis as (
    select * from {{ ref('fct_segment_kpis') }}
),

targets as (
    select * from {{ ref('kpi_targets') }}
),

column_availability as (
    select * from {{ ref('int_column_availability') }}
),

absent_kpis as (
    select
        column_name as kpi_name,
        unavailable_reason
    from column_availability
    where model_name = 'fct_segment_kpis' and not is_available
),

kpi_values as (
    {%- for kpi in kpis %}
        select
            fiscal_period,
            segment_code,
            is_period_complete,
            '{{ kpi }}' as kpi_name,
            cast({{ kpi }} as double) as actual_value,
            cast({{ response_counts.get(kpi, 'null') }} as bigint) as response_count
        from segment_kpis
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

matching_targets as (
    select
        kpi_values.*,
        targets.target_id,
        targets.direction,
        targets.target_value,
        targets.critical_variance_rate,
        targets.owner as target_owner,
        row_number() over (
            partition by kpi_values.fiscal_period, kpi_values.segment_code, kpi_values.kpi_name
            order by targets.segment_code = '*', targets.fiscal_period is null
        ) as specificity_rank
    from kpi_values
    inner join targets
        on
            kpi_values.kpi_name = targets.kpi_name
            and (kpi_values.segment_code = targets.segment_code or targets.segment_code = '*')
            and (kpi_values.fiscal_period = targets.fiscal_period or targets.fiscal_period is null)
),

-- Shortfall: how far the KPI is on the wrong side of the target (negative when it meets it).
judged as (
    select
        matching_targets.*,
        absent_kpis.unavailable_reason,
        matching_targets.actual_value - matching_targets.target_value as variance,
        case matching_targets.direction
            when 'at_least' then matching_targets.target_value - matching_targets.actual_value
            else matching_targets.actual_value - matching_targets.target_value
        end as shortfall,
        case
            when absent_kpis.kpi_name is not null then 'source_absent'
            when matching_targets.actual_value is null then 'no_value'
            when matching_targets.response_count < {{ var('kpi_min_responses') }} then 'insufficient_data'
            else 'judged'
        end as evaluation_status
    from matching_targets
    left join absent_kpis
        on matching_targets.kpi_name = absent_kpis.kpi_name
    where matching_targets.specificity_rank = 1
),

final as (
    select
        fiscal_period,
        segment_code,
        kpi_name,
        target_id,
        is_period_complete,
        actual_value,
        response_count,
        direction,
        target_value,
        round(variance, 4) as variance,
        round(variance / nullif(abs(target_value), 0), 4) as variance_rate,
        evaluation_status,
        unavailable_reason,
        evaluation_status = 'judged' and shortfall > 0 as is_breach,
        case
            when evaluation_status != 'judged' or shortfall <= 0 then 'none'
            when target_value = 0 or shortfall / abs(target_value) > critical_variance_rate then 'critical'
            else 'warning'
        end as severity,
        target_owner
    from judged
)

select * from final
