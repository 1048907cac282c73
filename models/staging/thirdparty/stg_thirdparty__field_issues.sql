-- Optional third-party company values that could not be kept: the row was staged with the value set to null.
{{ field_issues('thirdparty', [
    ('firmographics', 'base_thirdparty__firmographics', 'thirdparty_id',
        ['employee_count', 'annual_revenue_usd', 'credit_score', 'snapshot_date']),
]) }}
