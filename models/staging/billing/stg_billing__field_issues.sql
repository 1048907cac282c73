-- Optional billing values that could not be kept: the row was staged with the value set to null.
{{ field_issues('billing', [
    ('subscription_events', 'base_billing__subscription_events', 'event_id', ['mrr_before', 'mrr_after']),
]) }}
