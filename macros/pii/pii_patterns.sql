{% macro pii_patterns() %}
    {#- Regular expressions (DuckDB/RE2 syntax) of PII that must never appear unmasked in a public mart,
        by kind: an email address, a phone number in international format, a national id written
        3-2-4 with dashes. Undashed national ids look like any other number, so no_unmasked_pii also
        compares each row with its own customer's identifiers (int_governance__customer_identifiers). -#}
    {{ return({
        'email': '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}',
        'phone': '\\+[1-9][0-9]{0,2}[ .()/-]{0,2}[0-9][0-9 .()/-]{5,16}[0-9]',
        'national_id': '(^|[^0-9])[0-9]{3}-[0-9]{2}-[0-9]{4}([^0-9]|$)',
    }) }}
{% endmacro %}
