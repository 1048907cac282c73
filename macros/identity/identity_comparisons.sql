{% macro identity_comparisons() %}
    {#-
        The field comparisons of the Fellegi-Sunter model: name, levels (least to most similar; -1,
        "not comparable", carries no weight), the level that means one key is equal (exact_level, its
        u counted directly from the values: exact_key, over records whose party type may have it),
        and the levels whose weight is adjusted for how common the agreeing value is (term_frequency:
        level -> frequency column of int_identity__comparable_records). identity_comparison_levels()
        computes the levels.
    -#}
    {{ return([
        {'name': 'person_name', 'levels': [0, 1, 2, 3, 4, 5, 6], 'exact_level': 6,
            'exact_key': ['first_name_std', 'last_name_std'], 'not_type': 'organization',
            'term_frequency': {6: 'full_name_frequency'}},
        {'name': 'company_name', 'levels': [0, 1, 2, 3], 'exact_level': 3,
            'exact_key': ['company_name_std'], 'not_type': 'person',
            'term_frequency': {3: 'company_name_frequency'}},
        {'name': 'birth_date', 'levels': [0, 1, 2], 'exact_level': 2,
            'exact_key': ['birth_date'], 'not_type': none, 'term_frequency': {}},
        {'name': 'street', 'levels': [0, 1, 2, 3], 'exact_level': 3,
            'exact_key': ['street_std'], 'not_type': none, 'term_frequency': {}},
        {'name': 'location', 'levels': [0, 1, 2, 3, 4], 'exact_level': 4,
            'exact_key': ['country_code', 'postcode'], 'not_type': none,
            'term_frequency': {4: 'postcode_frequency', 2: 'city_frequency'}},
        {'name': 'email', 'levels': [0, 1], 'exact_level': 1,
            'exact_key': ['email_key'], 'not_type': none, 'term_frequency': {}},
        {'name': 'phone', 'levels': [0, 1], 'exact_level': 1,
            'exact_key': ['phone_key'], 'not_type': none, 'term_frequency': {}},
        {'name': 'tax_id', 'levels': [0, 1, 2], 'exact_level': 2,
            'exact_key': ['tax_id_key'], 'not_type': none, 'term_frequency': {}},
        {'name': 'national_id', 'levels': [0, 1, 2], 'exact_level': 2,
            'exact_key': ['national_id_key'], 'not_type': none, 'term_frequency': {}},
        {'name': 'web_domain', 'levels': [0, 1], 'exact_level': none,
            'exact_key': none, 'not_type': none, 'term_frequency': {}},
    ]) }}
{% endmacro %}


{% macro identity_comparison_levels(left, right) %}
    {#- The level of every comparison for a pair of comparable records aliased `left` and `right`. -#}
    case
        when {{ left }}.first_name_std is null or {{ left }}.last_name_std is null
            or {{ right }}.first_name_std is null or {{ right }}.last_name_std is null
            or {{ left }}.party_type = 'organization' or {{ right }}.party_type = 'organization' then -1
        when {{ left }}.first_name_std = {{ right }}.first_name_std
            and {{ left }}.last_name_std = {{ right }}.last_name_std then 6
        when {{ left }}.first_name_std = {{ right }}.last_name_std
            and {{ left }}.last_name_std = {{ right }}.first_name_std then 5
        when {{ names_alike(left ~ '.first_name_std', right ~ '.first_name_std') }}
            and {{ names_alike(left ~ '.last_name_std', right ~ '.last_name_std') }} then 4
        when {{ names_alike(left ~ '.last_name_std', right ~ '.last_name_std') }}
            and left({{ left }}.first_name_std, 1) = left({{ right }}.first_name_std, 1) then 3
        -- One name alike, the other not: a relative, or a name changed or mistyped beyond recognition.
        when {{ names_alike(left ~ '.last_name_std', right ~ '.last_name_std') }} then 2
        when {{ names_alike(left ~ '.first_name_std', right ~ '.first_name_std') }} then 1
        else 0
    end as person_name_level,
    case
        when {{ left }}.company_name_std is null or {{ right }}.company_name_std is null
            or {{ left }}.party_type = 'person' or {{ right }}.party_type = 'person' then -1
        when {{ left }}.company_name_std = {{ right }}.company_name_std then 3
        when jaro_winkler_similarity({{ left }}.company_name_std, {{ right }}.company_name_std) >= 0.92 then 2
        -- Half the words in common: 'acme logistics' and 'acme global logistics'.
        when len(list_intersect(
                list_distinct(string_split({{ left }}.company_name_std, ' ')),
                list_distinct(string_split({{ right }}.company_name_std, ' '))))
            * 2 >= len(list_distinct(list_concat(
                string_split({{ left }}.company_name_std, ' '), string_split({{ right }}.company_name_std, ' ')))) then 1
        else 0
    end as company_name_level,
    case
        when {{ left }}.birth_date is null or {{ right }}.birth_date is null then -1
        when {{ left }}.birth_date = {{ right }}.birth_date then 2
        -- Day and month swapped, or one part mistyped.
        when year({{ left }}.birth_date) = year({{ right }}.birth_date)
            and (month({{ left }}.birth_date) = month({{ right }}.birth_date)
                or day({{ left }}.birth_date) = day({{ right }}.birth_date)
                or (month({{ left }}.birth_date) = day({{ right }}.birth_date)
                    and day({{ left }}.birth_date) = month({{ right }}.birth_date))) then 1
        else 0
    end as birth_date_level,
    case
        when {{ left }}.street_std is null or {{ right }}.street_std is null then -1
        when {{ left }}.street_std = {{ right }}.street_std then 3
        when jaro_winkler_similarity({{ left }}.street_std, {{ right }}.street_std) >= 0.9
            and coalesce({{ left }}.house_number, '') = coalesce({{ right }}.house_number, '') then 2
        when {{ left }}.house_number = {{ right }}.house_number then 1
        else 0
    end as street_level,
    case
        when {{ left }}.country_code is null or {{ right }}.country_code is null then -1
        when {{ left }}.country_code <> {{ right }}.country_code then 0
        when {{ left }}.postcode = {{ right }}.postcode then 4
        when {{ left }}.city_std = {{ right }}.city_std and left({{ left }}.postcode, 3) = left({{ right }}.postcode, 3) then 3
        when {{ left }}.city_std = {{ right }}.city_std then 2
        else 1
    end as location_level,
    {%- for identifier in ['email', 'phone'] %}
    case
        when {{ left }}.{{ identifier }}_key is null or {{ right }}.{{ identifier }}_key is null then -1
        when {{ left }}.{{ identifier }}_key = {{ right }}.{{ identifier }}_key then 1
        else 0
    end as {{ identifier }}_level,
    {%- endfor %}
    {%- for identifier in ['tax_id', 'national_id'] %}
    case
        when {{ left }}.{{ identifier }}_key is null or {{ right }}.{{ identifier }}_key is null then -1
        when {{ left }}.{{ identifier }}_key = {{ right }}.{{ identifier }}_key then 2
        -- One digit mistyped or two swapped: a typo, or another customer's number.
        when damerau_levenshtein({{ left }}.{{ identifier }}_key, {{ right }}.{{ identifier }}_key) <= 1 then 1
        else 0
    end as {{ identifier }}_level,
    {%- endfor %}
    case
        when len(coalesce({{ left }}.web_domain_keys, [])) = 0 or len(coalesce({{ right }}.web_domain_keys, [])) = 0 then -1
        when list_has_any({{ left }}.web_domain_keys, {{ right }}.web_domain_keys) then 1
        else 0
    end as web_domain_level
{% endmacro %}

