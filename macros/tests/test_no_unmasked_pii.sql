{% test no_unmasked_pii(model, birth_date_columns=['birth_date', 'date_of_birth', 'dob'], known_identifier_types=['email', 'phone', 'national_id']) %}
    {#- No value of the model is an unmasked email, phone number or national id, and no column is a birth
        date. Every non-numeric column is scanned, whatever it is called (PII leaks through columns nobody
        tagged): against pii_patterns(), and against every known identifier of those types in
        int_identity__identifier_values (normalized, as the marts would carry them). Fails with one row
        per column and kind of PII found, unless a steward accepted it in seed pii_scan_exceptions. -#}
    {%- set checks = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- if column.name | lower in birth_date_columns -%}
                {%- do checks.append((column, 'birth_date', none)) -%}
            {%- elif not column.is_number() and column.dtype | lower != 'boolean' -%}
                {%- for kind, pattern in pii_patterns().items() -%}
                    {%- do checks.append((column, kind, pattern)) -%}
                {%- endfor -%}
                {%- do checks.append((column, 'known_identifier', none)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}

with

identifier_values as (
    select * from {{ ref('int_identity__identifier_values') }}
),

known_identifiers as (
    select identifier_value
    from identifier_values
    where identifier_type in ('{{ known_identifier_types | join("', '") }}')
    union
    -- National ids are matched with their issuing country in front; a mart would show them bare.
    select regexp_replace(identifier_value, '^[A-Z]{2}', '') as identifier_value
    from identifier_values
    where identifier_type = 'national_id' and 'national_id' in ('{{ known_identifier_types | join("', '") }}')
),

accepted_findings as (
    select
        column_name,
        pii_kind
    from {{ ref('pii_scan_exceptions') }}
    where model_name = '{{ model.identifier }}'
),

findings as (
    {%- for column, kind, pattern in checks %}
    select
        '{{ column.name }}' as column_name,
        '{{ kind }}' as pii_kind,
        count(*) as matching_rows
    from {{ model }}
    {%- if kind == 'known_identifier' %}
    where cast({{ adapter.quote(column.name) }} as varchar) in (select known_identifiers.identifier_value from known_identifiers)
    {%- elif pattern is none %}
    where {{ adapter.quote(column.name) }} is not null
    {%- else %}
    where regexp_matches(cast({{ adapter.quote(column.name) }} as varchar), '{{ pattern }}')
    {%- endif %}
    having count(*) > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        null as column_name,
        null as pii_kind,
        0 as matching_rows
    where false
    {%- endfor %}
),

validation_errors as (
    select findings.*
    from findings
    left join accepted_findings
        on findings.column_name = accepted_findings.column_name
        and findings.pii_kind = accepted_findings.pii_kind
    where accepted_findings.pii_kind is null
)

select * from validation_errors

{% endtest %}
