-- Population stability index (PSI) of every clustering feature within every segment, from one
-- snapshotted as-of date to the next: how far the feature's distribution among the segment's
-- customers has moved. Bins are the deciles of the earlier date. A feature past
-- var kpi_psi_retrain_threshold in any segment recommends retraining the clustering.
{%- set features = segmentation_clustering_features() %}
{%- set profile_columns = ['average_order_value_usd', 'orders_per_month_365d', 'revenue_365d_usd', 'gross_margin_rate',
    'tickets_per_month_365d', 'cost_to_serve_per_month_365d_usd', 'margin_after_cost_to_serve_365d_usd', 'mrr_usd',
    'active_days_365d', 'feature_adoption_rate', 'net_promoter_score_365d', 'employee_count'] %}
{#- Before the policy seed is loaded (parsing, linting) every profile feature stands in. #}
{%- set features = features or profile_columns %}
{%- for feature in features if feature not in profile_columns %}
    {{ exceptions.raise_compiler_error(
        "Clustering feature " ~ feature ~ " (seed segmentation_feature_policy) is not kept by dim_customer_profiles "
        ~ "and snp_customer_attributes, so its drift cannot be measured: add it to both, and to this model's list."
    ) }}
{%- endfor %}
-- depends_on: {{ ref('segmentation_feature_policy') }}
with

attribute_versions as (
    select * from {{ ref('snp_customer_attributes') }}
),

segment_history as (
    select * from {{ ref('fct_customer_segment_history') }}
),

segmentation_as_of_dates as (
    select * from {{ ref('fct_segmentation_as_of_dates') }}
),

-- Rebuilding one as-of date on changed data leaves two versions with that date: the later stands.
latest_per_as_of_date as (
    select *
    from attribute_versions
    qualify row_number() over (partition by customer_id, as_of_date order by dbt_valid_from desc) = 1
),

attribute_validity as (
    select
        *,
        lead(as_of_date) over (partition by customer_id order by as_of_date) as next_as_of_date
    from latest_per_as_of_date
),

observation_pairs as (
    select
        previous_as_of_date as from_as_of_date,
        as_of_date as to_as_of_date
    from segmentation_as_of_dates
    where previous_as_of_date is not null
),

observation_sides as (
    select
        from_as_of_date,
        to_as_of_date,
        'expected' as side,
        from_as_of_date as observed_on
    from observation_pairs
    union all
    select
        from_as_of_date,
        to_as_of_date,
        'actual' as side,
        to_as_of_date as observed_on
    from observation_pairs
),

-- Each customer's features and segment on each side's date.
observed_values as (
    select
        observation_sides.from_as_of_date,
        observation_sides.to_as_of_date,
        observation_sides.side,
        {%- for feature in features %}
            attribute_validity.{{ feature }},
        {%- endfor %}
        segment_history.segment_code
    from observation_sides
    inner join attribute_validity
        on
            observation_sides.observed_on >= attribute_validity.as_of_date
            and (
                observation_sides.observed_on < attribute_validity.next_as_of_date
                or (attribute_validity.next_as_of_date is null and attribute_validity.dbt_valid_to is null)
            )
    inner join segment_history
        on
            attribute_validity.customer_id = segment_history.customer_id
            and observation_sides.observed_on >= segment_history.valid_from_date
            and observation_sides.observed_on < coalesce(segment_history.valid_to_date, date '9999-12-31')
),

feature_values as (
    {%- for feature in features %}
        select
            from_as_of_date,
            to_as_of_date,
            side,
            segment_code,
            '{{ feature }}' as feature_name,
            cast({{ feature }} as double) as feature_value
        from observed_values
        where {{ feature }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

decile_cuts as (
    select
        from_as_of_date,
        to_as_of_date,
        segment_code,
        feature_name,
        quantile_cont(feature_value, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) as cuts
    from feature_values
    where side = 'expected'
    group by from_as_of_date, to_as_of_date, segment_code, feature_name
),

-- Bin 0 holds values up to the first decile, bin 9 values above the ninth; tied deciles merge bins.
binned as (
    select
        feature_values.from_as_of_date,
        feature_values.to_as_of_date,
        feature_values.segment_code,
        feature_values.feature_name,
        feature_values.side,
        -- Position among the sorted cuts = number of cuts below the value.
        list_position(
            list_sort(list_append(decile_cuts.cuts, feature_values.feature_value)), feature_values.feature_value
        ) - 1 as bin_number
    from feature_values
    inner join decile_cuts
        on
            feature_values.from_as_of_date = decile_cuts.from_as_of_date
            and feature_values.to_as_of_date = decile_cuts.to_as_of_date
            and feature_values.segment_code = decile_cuts.segment_code
            and feature_values.feature_name = decile_cuts.feature_name
),

bin_shares as (
    select
        from_as_of_date,
        to_as_of_date,
        segment_code,
        feature_name,
        bin_number,
        count(*) filter (where side = 'expected') as expected_count,
        count(*) filter (where side = 'actual') as actual_count
    from binned
    group by from_as_of_date, to_as_of_date, segment_code, feature_name, bin_number
),

-- Empty bins get a floor share so that the logarithm stays finite.
psi_terms as (
    select
        *,
        greatest(expected_count / sum(expected_count) over distribution, 0.0001) as expected_share,
        greatest(actual_count / nullif(sum(actual_count) over distribution, 0), 0.0001) as actual_share
    from bin_shares
    window distribution as (partition by from_as_of_date, to_as_of_date, segment_code, feature_name)
),

feature_drift as (
    select
        from_as_of_date,
        to_as_of_date,
        segment_code,
        feature_name,
        cast(sum(expected_count) as bigint) as expected_customer_count,
        cast(sum(actual_count) as bigint) as actual_customer_count,
        case
            when sum(actual_count) > 0
                then round(sum((actual_share - expected_share) * ln(actual_share / expected_share)), 4)
        end as population_stability_index
    from psi_terms
    group by from_as_of_date, to_as_of_date, segment_code, feature_name
),

final as (
    select
        from_as_of_date,
        to_as_of_date,
        segment_code,
        feature_name,
        expected_customer_count,
        actual_customer_count,
        population_stability_index,
        case
            when population_stability_index is null then 'no_customers'
            when population_stability_index < 0.1 then 'stable'
            when population_stability_index < {{ var('kpi_psi_retrain_threshold') }} then 'moderate'
            else 'significant'
        end as drift_level,
        coalesce(population_stability_index >= {{ var('kpi_psi_retrain_threshold') }}, false) as exceeds_threshold,
        coalesce(
            bool_or(population_stability_index >= {{ var('kpi_psi_retrain_threshold') }})
                over (partition by from_as_of_date, to_as_of_date),
            false
        ) as is_retrain_recommended
    from feature_drift
)

select * from final
