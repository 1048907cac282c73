{% macro fact_reconciliation(fact_tables) %}
    {#-
        Body of the fact attribution audit: per fact table, rows staged, rows attributed to a
        customer (int_customer_facts__<fact table>) and rows set aside in int_customer_facts__quarantine.
        fact_tables: list of (fact table, staging model) pairs.
    -#}
with

{% for fact_table, staging_model in fact_tables %}
{{ fact_table }}__staged as (
    select * from {{ ref(staging_model) }}
),

{{ fact_table }}__attributed as (
    select * from {{ ref('int_customer_facts__' ~ fact_table) }}
),

{% endfor %}
quarantine as (
    select * from {{ ref('int_customer_facts__quarantine') }}
),

counts as (
    {%- for fact_table, staging_model in fact_tables %}
    select
        '{{ fact_table }}' as fact_table,
        (select count(*) from {{ fact_table }}__staged) as rows_staged,
        (select count(*) from {{ fact_table }}__attributed) as rows_attributed,
        (select count(*) from quarantine where fact_table = '{{ fact_table }}') as rows_quarantined
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        fact_table,
        rows_staged,
        rows_attributed,
        rows_quarantined
    from counts
)

select * from final
{% endmacro %}
