-- Optional support ticket values that could not be kept: the row was staged with the value set to null.
{{ field_issues('support', [
    ('tickets', 'base_support__tickets', 'ticket_id',
        ['first_response_at', 'resolved_at', 'handling_minutes', 'csat_score']),
]) }}
