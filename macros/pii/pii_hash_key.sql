{% macro pii_hash_key() %}
    {#- The secret mixed into every PII digest, as a SQL string literal. Without it, a digest of an email or
        national id could be reversed by hashing candidate values; a build without one stops here. -#}
    {%- set key = var('pii_hash_key') -%}
    {%- if execute and (key is none or (key | string | trim) == '') -%}
        {{ exceptions.raise_compiler_error(
            "var pii_hash_key is empty: set the environment variable SEG_PII_HASH_KEY to a secret string "
            ~ "(the key of the PII digests in the public marts), or pass --vars '{pii_hash_key: ...}'."
        ) }}
    {%- endif -%}
    {{- return("'" ~ (key | string | replace("'", "''")) ~ "'") -}}
{% endmacro %}
