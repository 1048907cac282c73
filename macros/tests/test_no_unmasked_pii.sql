{% test no_unmasked_pii(model, birth_date_columns=['birth_date', 'date_of_birth', 'dob'], known_identifier_types=['email', 'phone', 'national_id'], customer_key='customer_id') %}
    {#- No value of the model is an unmasked email, phone number or national id, and no column is a birth
        date. Every non-numeric column is scanned, whatever it is called (PII leaks through columns nobody
        tagged), against pii_patterns(), and against the identifiers of int_governance__customer_identifiers:
        - in a model with a customer key, each row against its own customer's identifiers (a national id
          with or without its country, separators ignored). A value equal to another party's
          identifier is chance there: at a million customers a postcode or a company's tax id equals some
          person's national id. A tax id equal to the customer's own national id (a sole proprietor's tax
          number can be their social security number) is the customer's national id, so it is found.
        - in a model without one (segments, periods), against every customer's identifiers as written
          (not compacted: a date without its dashes is an eight-digit number, like many national ids).
        Fails with one row per column and kind of PII found, its message saying how many rows, unless a
        steward accepted it in seed pii_scan_exceptions. -#}
    {%- set pattern_checks = [] -%}
    {%- set scanned_columns = [] -%}
    {%- set birth_date_found = [] -%}
    {%- set column_names = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- do column_names.append(column.name | lower) -%}
            {%- if column.name | lower in birth_date_columns -%}
                {%- do birth_date_found.append(column) -%}
            {%- elif not column.is_number() and column.dtype | lower != 'boolean' -%}
                {%- do scanned_columns.append(column) -%}
                {%- for kind, pattern in pii_patterns().items() -%}
                    {%- do pattern_checks.append((column, kind, pattern)) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set has_customer_key = customer_key | lower in column_names %}

with

customer_identifiers as (
    select * from {{ ref('int_governance__customer_identifiers') }}
),

accepted_findings as (
    select
        column_name,
        pii_kind
    from {{ ref('pii_scan_exceptions') }}
    where model_name = '{{ model.identifier }}'
),

-- Every identifier in each form a mart could show it in.
identifier_forms as (
    select
        customer_id,
        identifier_type,
        identifier_value as match_value
    from customer_identifiers
    where identifier_type in ('{{ known_identifier_types | join("', '") }}')
    union
    select
        customer_id,
        identifier_type,
        bare_identifier_value as match_value
    from customer_identifiers
    where identifier_type in ('{{ known_identifier_types | join("', '") }}')
),

{%- if scanned_columns %}

-- One row per row and scanned column, with the value as written and with separators removed.
scanned_values as (
    select
        scanned_row,
        row_customer_id,
        column_name,
        column_value,
        upper(regexp_replace(column_value, '[^0-9A-Za-z]', '', 'g')) as compact_value
    from (
        unpivot (
            select
                row_number() over () as scanned_row,
                {%- if has_customer_key %}
                    cast({{ adapter.quote(customer_key) }} as varchar) as row_customer_id,
                {%- else %}
                    cast(null as varchar) as row_customer_id,
                {%- endif %}
                {%- for column in scanned_columns %}
                    cast({{ adapter.quote(column.name) }} as varchar) as {{ adapter.quote(column.name) }}
                    {{- ',' if not loop.last }}
                {%- endfor %}
            from {{ model }}
        )
        on {% for column in scanned_columns %}{{ adapter.quote(column.name) }}{{ ', ' if not loop.last }}{% endfor %}
        into name column_name value column_value
    ) as unpivoted
),

{%- if has_customer_key %}

-- The row's own customer's identifiers: a match is that customer's personal data, not chance.
identifier_matches as (
    select
        scanned_values.scanned_row,
        scanned_values.column_name,
        identifier_forms.identifier_type
    from scanned_values
    inner join identifier_forms
        on
            scanned_values.row_customer_id = identifier_forms.customer_id
            and scanned_values.column_value = identifier_forms.match_value
    union
    select
        scanned_values.scanned_row,
        scanned_values.column_name,
        identifier_forms.identifier_type
    from scanned_values
    inner join identifier_forms
        on
            scanned_values.row_customer_id = identifier_forms.customer_id
            and scanned_values.compact_value = identifier_forms.match_value
),

identifier_findings as (
    select
        column_name,
        'own_identifier' as pii_kind,
        identifier_type,
        count(distinct scanned_row) as matching_rows,
        'column ' || column_name || ': ' || count(distinct scanned_row)
        || case when count(distinct scanned_row) = 1 then ' row holds its' else ' rows hold their' end
        || ' customer''s own ' || identifier_type || ' unmasked' as message
    from identifier_matches
    group by column_name, identifier_type
),

{%- else %}

-- No customer in the row to compare with: any customer's identifier is a leak.
identifier_matches as (
    select distinct
        scanned_values.scanned_row,
        scanned_values.column_name,
        identifier_forms.identifier_type
    from scanned_values
    inner join identifier_forms
        on scanned_values.column_value = identifier_forms.match_value
),

identifier_findings as (
    select
        column_name,
        'known_identifier' as pii_kind,
        identifier_type,
        count(distinct scanned_row) as matching_rows,
        'column ' || column_name || ': ' || count(distinct scanned_row)
        || case when count(distinct scanned_row) = 1 then ' row holds' else ' rows hold' end
        || ' a customer''s ' || identifier_type || ' unmasked' as message
    from identifier_matches
    group by column_name, identifier_type
),

{%- endif %}
{%- endif %}

findings as (
    {%- for column, kind, pattern in pattern_checks %}
    select
        '{{ column.name }}' as column_name,
        '{{ kind }}' as pii_kind,
        cast(null as varchar) as identifier_type,
        count(*) as matching_rows,
        'column {{ column.name }}: ' || count(*)
        || case when count(*) = 1 then ' row matches' else ' rows match' end
        || ' the {{ kind }} pattern of macro pii_patterns' as message
    from {{ model }}
    where regexp_matches(cast({{ adapter.quote(column.name) }} as varchar), '{{ pattern }}')
    having count(*) > 0
    union all
    {%- endfor %}
    {%- for column in birth_date_found %}
    select
        '{{ column.name }}' as column_name,
        'birth_date' as pii_kind,
        cast(null as varchar) as identifier_type,
        count(*) as matching_rows,
        'column {{ column.name }}: ' || count(*) || ' birth dates (publish the year only)' as message
    from {{ model }}
    where {{ adapter.quote(column.name) }} is not null
    having count(*) > 0
    union all
    {%- endfor %}
    {%- if scanned_columns %}
    select * from identifier_findings
    {%- else %}
    select
        null as column_name,
        null as pii_kind,
        null as identifier_type,
        0 as matching_rows,
        null as message
    where false
    {%- endif %}
),

validation_errors as (
    select findings.*
    from findings
    left join accepted_findings
        on
            findings.column_name = accepted_findings.column_name
            and findings.pii_kind = accepted_findings.pii_kind
    where accepted_findings.pii_kind is null
)

select * from validation_errors

{% endtest %}
