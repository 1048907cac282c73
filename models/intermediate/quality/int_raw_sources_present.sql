-- Which raw tables and optional raw columns this run has, declared once for every model that reads them:
-- a table is present when it has staged rows, an optional column when at least one staged row has a value.
-- A raw file that is absent arrives as an empty table, an optional column the file lacks as nulls
-- (load_raw_sources), so both show here as not present.
{%- set raw_tables = raw_source_inventory() %}
{%- set imported = [
    'billing_subscription_events', 'crm_customers', 'erp_customers', 'erp_invoices', 'product_usage_daily',
    'support_tickets', 'surveys_nps_responses', 'thirdparty_firmographics',
] %}
{#- One item per raw table (column none) and per optional column of it. #}
{%- set items = [] %}
{%- for table in raw_tables %}
    {%- do items.append((table, none)) %}
    {%- for column in table.columns %}
        {%- do items.append((table, column)) %}
    {%- endfor %}
{%- endfor %}
{%- for table in raw_tables if table.raw_table not in imported %}
    {{ exceptions.raise_compiler_error(
        'Raw table ' ~ table.raw_table ~ ' has no import CTE in int_raw_sources_present: add `'
        ~ table.raw_table ~ " as (select * from {{ ref('" ~ table.staging_model ~ "') }})` and list it in `imported`."
    ) }}
{%- endfor %}
with

billing_subscription_events as (
    select * from {{ ref('stg_billing__subscription_events') }}
),

crm_customers as (
    select * from {{ ref('stg_crm__customers') }}
),

erp_customers as (
    select * from {{ ref('stg_erp__customers') }}
),

erp_invoices as (
    select * from {{ ref('stg_erp__invoices') }}
),

product_usage_daily as (
    select * from {{ ref('stg_product__usage_daily') }}
),

support_tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

surveys_nps_responses as (
    select * from {{ ref('stg_surveys__nps_responses') }}
),

thirdparty_firmographics as (
    select * from {{ ref('stg_thirdparty__firmographics') }}
),

-- One row per raw table (column_name null) and per optional column, with the staged values counted.
staged_counts as (
    {%- for table, column in items %}
        select
            '{{ table.source_name }}' as source_name,
            '{{ table.source_table }}' as source_table,
            '{{ table.raw_table }}' as raw_table,
            {{ "'" ~ column.column_name ~ "'" if column else 'cast(null as varchar)' }} as column_name,
            {{ "'" ~ column.staged_column ~ "'" if column else 'cast(null as varchar)' }} as staged_column,
            '{{ table.staging_model }}' as staging_model,
            count(*) as staged_row_count,
            count({{ column.staged_column if column else '*' }}) as value_count
        from {{ table.raw_table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        raw_table || coalesce('.' || column_name, '') as source_item,
        source_name,
        source_table,
        raw_table,
        column_name,
        staged_column,
        staging_model,
        case when column_name is null then 'table' else 'column' end as item_type,
        staged_row_count,
        value_count,
        value_count > 0 as is_present,
        case
            when staged_row_count = 0 and column_name is null
                then 'no staged rows: the raw file is absent or empty, or every row was quarantined'
            when staged_row_count = 0
                then 'its table ' || raw_table || ' has no staged rows'
            when value_count = 0
                then 'no staged value: the raw file has no such column, or it is empty in every staged row'
        end as absence_reason
    from staged_counts
)

select * from final
