-- Optional CRM values that could not be kept: the row was staged with the value set to null.
{{ field_issues('crm', [
    ('customers', 'base_crm__customers', 'crm_customer_id', ['birth_date', 'created_at', 'updated_at']),
]) }}
