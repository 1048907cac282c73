-- Billing rows that cannot be staged, each with its reason and the raw row as it arrived.
{{ quarantine_rows('billing', [
    ('subscription_events', 'base_billing__subscription_events', 'event_id'),
]) }}
