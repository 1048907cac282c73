-- Every segment KPI that has a target, per period: actual, target, variance and whether it breaches,
-- with severity. The most specific target applies (segment over `*`, period over standing). Filter on
-- is_breach for the escalation list. Survey KPIs with fewer answers than var kpi_min_responses are not
-- judged (status insufficient_data): a handful of answers is not a trend.
{%- set kpis = kpi_target_columns() %}
{%- set response_counts = {'net_promoter_score': 'nps_response_count', 'csat_average': 'csat_response_count'} %}
with

segment_kpis as (
    select * from {{ ref('fct_segment_kpis') }}
),

targets as (
    select * from {{ ref('kpi_targets') }}
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
        *,
        actual_value - target_value as variance,
        case direction when 'at_least' then target_value - actual_value else actual_value - target_value end
            as shortfall,
        case
            when actual_value is null then 'no_value'
            when response_count < {{ var('kpi_min_responses') }} then 'insufficient_data'
            else 'judged'
        end as evaluation_status
    from matching_targets
    where specificity_rank = 1
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
