-- CRM rows that cannot be staged, each with its reason and the raw row as it arrived.
{{ quarantine_rows('crm', [
    ('customers', 'base_crm__customers', 'crm_customer_id'),
]) }}
