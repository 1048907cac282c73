-- Optional product usage values that could not be kept: the row was staged with the value set to null.
{{ field_issues('product', [
    ('usage_daily', 'base_product__usage_daily', 'usage_day_id',
        ['sessions', 'active_users', 'events', 'features_used', 'minutes_active']),
]) }}
