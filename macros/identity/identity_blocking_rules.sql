{% macro identity_blocking_rules() %}
    {#-
        The blocking rules: records that agree on every part of one rule are compared field by field.
        Each rule leaves out one kind of record (not_type: null keeps both), and names the comparisons
        of its own fields (held_out): EM does not learn those from the rule's pairs, which were chosen
        for agreeing on them. Together the rules catch a pair of records of one customer when any one
        field is mistyped or missing: no field is part of every rule. Every rule pairs records on
        something that identifies few customers at any scale (a name or an email alone does not:
        'john.smith' has a mailbox at every provider), so that candidate pairs grow with the records.
    -#}
    {{ return([
        {'name': 'person_postcode_surname', 'not_type': 'organization',
            'parts': ['country_code', 'postcode', 'left(last_name_std, 3)'], 'held_out': ['location', 'person_name']},
        {'name': 'person_postcode_given_name', 'not_type': 'organization',
            'parts': ['country_code', 'postcode', 'left(first_name_std, 3)'], 'held_out': ['location', 'person_name']},
        {'name': 'person_postcode_names_any_order', 'not_type': 'organization',
            'parts': ['country_code', 'postcode', 'least(left(first_name_std, 2), left(last_name_std, 2))',
                'greatest(left(first_name_std, 2), left(last_name_std, 2))'], 'held_out': ['location', 'person_name']},
        {'name': 'person_postcode_house_number', 'not_type': 'organization',
            'parts': ['country_code', 'postcode', 'house_number'], 'held_out': ['location', 'street']},
        {'name': 'person_birth_date_surname_initial', 'not_type': 'organization',
            'parts': ['birth_date', 'left(last_name_std, 1)'], 'held_out': ['birth_date', 'person_name']},
        {'name': 'person_birth_date_house_number', 'not_type': 'organization',
            'parts': ['birth_date', 'house_number'], 'held_out': ['birth_date', 'street']},
        {'name': 'person_surname_soundex_birth_year_initial', 'not_type': 'organization',
            'parts': ['last_name_soundex', 'year(birth_date)', 'left(first_name_std, 1)'],
            'held_out': ['person_name', 'birth_date']},
        {'name': 'person_street_surname_soundex', 'not_type': 'organization',
            'parts': ['street_std', 'last_name_soundex'], 'held_out': ['street', 'person_name']},
        {'name': 'person_full_name_city', 'not_type': 'organization',
            'parts': ['first_name_std', 'last_name_std', 'city_std'], 'held_out': ['person_name', 'location']},
        {'name': 'company_postcode_name', 'not_type': 'person',
            'parts': ['country_code', 'postcode', 'left(company_name_std, 4)'], 'held_out': ['location', 'company_name']},
        {'name': 'company_postcode_house_number', 'not_type': 'person',
            'parts': ['country_code', 'postcode', 'house_number'], 'held_out': ['location', 'street']},
        {'name': 'company_name_city', 'not_type': 'person',
            'parts': ['country_code', 'city_std', 'company_name_std'], 'held_out': ['company_name', 'location']},
        {'name': 'street_city', 'not_type': none,
            'parts': ['street_std', 'city_std'], 'held_out': ['street', 'location']},
        {'name': 'email_local_part_city', 'not_type': none,
            'parts': ['email_local_part', 'city_std'], 'held_out': ['email', 'location']},
    ]) }}
{% endmacro %}
