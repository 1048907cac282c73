-- Every candidate clustering feature of every run, with whether the run used it and why: its coverage
-- among the customers eligible for clustering, and the value imputed for missing ones where the
-- policy says so. Read from the run record int_segmentation__runs keeps.
with

runs as (
    select * from {{ ref('int_segmentation__runs') }}
),

selections as (
    select
        run_id,
        is_current,
        as_of_date,
        unnest(
            cast(json_extract(cast(run_record as json), '$.feature_selection') as json[])
        ) as decision
    from runs
),

final as (
    select
        run_id,
        is_current,
        as_of_date,
        decision ->> 'feature_name' as feature_name,
        cast(decision ->> 'is_used' as boolean) as is_used,
        cast(decision ->> 'eligible_customers' as bigint) as eligible_customer_count,
        cast(decision ->> 'customers_with_value' as bigint) as valued_customer_count,
        cast(decision ->> 'coverage_rate' as double) as coverage_rate,
        decision ->> 'impute' as impute,
        cast(decision ->> 'impute_value' as double) as impute_value,
        cast(decision ->> 'imputed_customers' as bigint) as imputed_customer_count,
        decision ->> 'reason' as decision_reason
    from selections
)

select * from final
