{% macro kpi_target_columns() %}
    {#- Columns of fct_segment_kpis that seed kpi_targets may set targets for; fct_kpi_breaches judges them. -#}
    {{ return([
        'revenue_usd', 'gross_margin_rate', 'cost_to_serve_usd', 'margin_after_cost_to_serve_usd', 'arpa_usd',
        'net_revenue_retention_rate', 'gross_revenue_retention_rate', 'logo_churn_rate', 'average_predicted_clv_usd',
        'net_promoter_score', 'csat_average', 'tickets_per_customer', 'sla_attainment_rate', 'median_days_to_activation',
        'feature_adoption_rate'
    ]) }}
{% endmacro %}
