-- Which sources send the most unusable rows, and why: a starting point for fixing data at the source.
with

reconciliation as (
    select * from {{ ref('int_raw_row_reconciliation') }}
),

erp_quarantine as (
    select * from {{ ref('stg_erp__quarantine') }}
),

crm_quarantine as (
    select * from {{ ref('stg_crm__quarantine') }}
),

quarantined as (
    select
        source_name,
        source_table,
        rejection_reason
    from erp_quarantine
    union all
    select
        source_name,
        source_table,
        rejection_reason
    from crm_quarantine
),

by_reason as (
    select
        quarantined.source_name,
        quarantined.source_table,
        quarantined.rejection_reason,
        count(*) as quarantined_rows,
        count(*) / any_value(reconciliation.rows_in) as share_of_rows_in
    from quarantined
    inner join reconciliation
        on
            quarantined.source_name = reconciliation.source_name
            and quarantined.source_table = reconciliation.source_table
    group by
        quarantined.source_name,
        quarantined.source_table,
        quarantined.rejection_reason
),

final as (
    select * from by_reason
    order by quarantined_rows desc
)

select * from final
