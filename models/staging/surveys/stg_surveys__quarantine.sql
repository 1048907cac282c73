-- Survey rows that cannot be staged, each with its reason and the raw row as it arrived.
{{ quarantine_rows('surveys', [
    ('nps_responses', 'base_surveys__nps_responses', 'response_id'),
]) }}
