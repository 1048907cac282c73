-- Optional ERP values that could not be kept: the row was staged with the value set to null.
{{ field_issues('erp', [
    ('customers', 'base_erp__customers', 'erp_customer_id',
        ['payment_terms_days', 'credit_limit', 'created_on', 'last_modified_at']),
    ('invoices', 'base_erp__invoices', 'invoice_id', ['cost_amount']),
]) }}
