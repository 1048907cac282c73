-- Product usage rows that cannot be staged, each with its reason and the raw row as it arrived.
{{ quarantine_rows('product', [
    ('usage_daily', 'base_product__usage_daily', 'usage_day_id'),
]) }}
