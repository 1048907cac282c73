{% macro hash_pii(expression) %}
    {#- A keyed SHA-256 hex digest of a PII value: equal values give equal digests (joins and counts still
        work), but the value cannot be read back or looked up without the key (var pii_hash_key). -#}
    {{ return(adapter.dispatch('hash_pii', 'custseg')(expression)) }}
{% endmacro %}

{% macro default__hash_pii(expression) %}
    case when {{ expression }} is not null then sha2(concat({{ pii_hash_key() }}, cast({{ expression }} as string)), 256) end
{% endmacro %}

{% macro duckdb__hash_pii(expression) %}
    case when {{ expression }} is not null then sha256({{ pii_hash_key() }} || cast({{ expression }} as varchar)) end
{% endmacro %}
