-- ERP rows that cannot be staged, each with its reason and the raw row as it arrived.
{{ quarantine_rows('erp', [
    ('customers', 'base_erp__customers', 'erp_customer_id'),
    ('invoices', 'base_erp__invoices', 'invoice_id'),
]) }}
