-- Support rows that cannot be staged, each with its reason and the raw row as it arrived.
{{ quarantine_rows('support', [
    ('tickets', 'base_support__tickets', 'ticket_id'),
]) }}
