-- Third-party rows that cannot be staged, each with its reason and the raw row as it arrived.
{{ quarantine_rows('thirdparty', [
    ('firmographics', 'base_thirdparty__firmographics', 'thirdparty_id'),
]) }}
