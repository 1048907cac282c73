-- One row per fact table: staged rows, rows attributed to a customer, rows set aside. They must add up.
{{ fact_reconciliation([
    ('invoices', 'stg_erp__invoices'),
    ('subscription_events', 'stg_billing__subscription_events'),
    ('tickets', 'stg_support__tickets'),
    ('usage_days', 'stg_product__usage_daily'),
    ('nps_responses', 'stg_surveys__nps_responses'),
]) }}
