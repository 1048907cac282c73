-- Every optional raw value that could not be kept, from every source: one row per staged row and column.
-- Surveys has no optional typed column, so no field issues model.
with

billing_field_issues as (
    select * from {{ ref('stg_billing__field_issues') }}
),

crm_field_issues as (
    select * from {{ ref('stg_crm__field_issues') }}
),

erp_field_issues as (
    select * from {{ ref('stg_erp__field_issues') }}
),

product_field_issues as (
    select * from {{ ref('stg_product__field_issues') }}
),

support_field_issues as (
    select * from {{ ref('stg_support__field_issues') }}
),

thirdparty_field_issues as (
    select * from {{ ref('stg_thirdparty__field_issues') }}
),

final as (
    select
        field_issue_id,
        source_name,
        source_table,
        source_record_key,
        column_name,
        raw_value,
        issue_reason
    from billing_field_issues
    union all
    select
        field_issue_id,
        source_name,
        source_table,
        source_record_key,
        column_name,
        raw_value,
        issue_reason
    from crm_field_issues
    union all
    select
        field_issue_id,
        source_name,
        source_table,
        source_record_key,
        column_name,
        raw_value,
        issue_reason
    from erp_field_issues
    union all
    select
        field_issue_id,
        source_name,
        source_table,
        source_record_key,
        column_name,
        raw_value,
        issue_reason
    from product_field_issues
    union all
    select
        field_issue_id,
        source_name,
        source_table,
        source_record_key,
        column_name,
        raw_value,
        issue_reason
    from support_field_issues
    union all
    select
        field_issue_id,
        source_name,
        source_table,
        source_record_key,
        column_name,
        raw_value,
        issue_reason
    from thirdparty_field_issues
)

select * from final
