-- One row per raw table: rows that arrived, rows staged, rows quarantined (by kind).
{{ row_reconciliation([
    ('billing', 'subscription_events'),
    ('crm', 'customers'),
    ('erp', 'customers'),
    ('erp', 'invoices'),
    ('product', 'usage_daily'),
    ('support', 'tickets'),
    ('surveys', 'nps_responses'),
    ('thirdparty', 'firmographics'),
]) }}
