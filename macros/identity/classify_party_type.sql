{% macro classify_party_type(
    stated_type,
    has_legal_form,
    has_organization_word,
    crm_email_party_type,
    crm_phone_party_type,
    is_personal_name,
    fallback_type=none,
    fallback_source="'no_evidence'"
) %}
    {#-
        Person or organization from the strongest evidence there is, as a struct (party_type,
        party_type_source). In order: the type the source states (source_customer_type); a legal form in
        the name (legal_form); a word only organizations have in their names, from seed
        identity_organization_words (organization_word); the type of the CRM records with the same email
        (crm_same_email) or phone (crm_same_phone); the shape of a person's name (personal_name_shape);
        else fallback_type, recorded as fallback_source (both SQL expressions; by default null and
        'no_evidence': a party of unknown type, which blocking and comparisons treat as possibly either).
    -#}
    {%- set evidence = [
        (stated_type ~ ' is not null', stated_type, 'source_customer_type'),
        (has_legal_form, "'organization'", 'legal_form'),
        (has_organization_word, "'organization'", 'organization_word'),
        (crm_email_party_type ~ ' is not null', crm_email_party_type, 'crm_same_email'),
        (crm_phone_party_type ~ ' is not null', crm_phone_party_type, 'crm_same_phone'),
        (is_personal_name, "'person'", 'personal_name_shape'),
    ] -%}
    struct_pack(
        party_type := case
            {%- for condition, party_type, source in evidence %}
                when {{ condition }} then {{ party_type }}
            {%- endfor %}
            else {{ fallback_type if fallback_type is not none else 'null::varchar' }}
        end,
        party_type_source := case
            {%- for condition, party_type, source in evidence %}
                when {{ condition }} then '{{ source }}'
            {%- endfor %}
            else {{ fallback_source }}
        end
    )
{% endmacro %}
