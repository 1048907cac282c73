{% macro split_person_name(name, upper_case_word_is_given_name='false') %}
    {#-
        A person's single name field split into given name and surname, as a struct (given_name,
        surname, name_split_rule), for sources that keep one name field (ERP bill-to, third party):

        | name_split_rule | written as | given name | surname |
        | --- | --- | --- | --- |
        | comma_last_first | 'Smith, Jane', 'VAN DER BERG, Jane Mary' | first word after the comma | all before the comma |
        | upper_case_surname_first | 'SMITH Jane' (upper-case words, then a word in mixed case) | first mixed-case word | the upper-case words |
        | given_name_first | 'Jane Smith', 'Jane Mary Smith', 'Jane van der Berg' | first word | last word with the particles before it (var identity_surname_particles) |
        | single_token | 'Smith' | null | the word |

        Middle names are dropped. 'CAROL Ramirez' may also be a given name typed in capitals: when the
        SQL expression upper_case_word_is_given_name is true (e.g. the CRM knows the first word as a given
        name more often than as a surname), such a name is read given name first. Expects a name with
        single spaces and without titles (macro strip_personal_titles); the titles after a comma
        ('Smith, Dr. Jane') are stripped here. Regular expressions rather than list lambdas: this runs on
        every person record.
    -#}
    {%- set particles = var('identity_surname_particles') | join('|') -%}
    {#- Group 1: the words without a lower-case letter at the start; group 2: the first word with one. -#}
    {%- set upper_case_surname = "^([^\\p{Ll} ]+(?: [^\\p{Ll} ]+)*) ([^ ]*\\p{Ll}[^ ]*)" -%}
    case
        when {{ name }} is null then null
        when contains({{ name }}, ',') then struct_pack(
            given_name := nullif(split_part(
                {{ strip_personal_titles("trim(split_part(" ~ name ~ ", ',', 2))") }}, ' ', 1
            ), ''),
            surname := nullif(trim(split_part({{ name }}, ',', 1)), ''),
            name_split_rule := 'comma_last_first'
        )
        when not contains({{ name }}, ' ') then struct_pack(
            given_name := null::varchar,
            surname := {{ name }},
            name_split_rule := 'single_token'
        )
        -- 'SMITH Jane': a first word of two or more capitals and no lower-case letter, a mixed-case word later.
        when
            not coalesce({{ upper_case_word_is_given_name }}, false)
            and regexp_matches({{ name }}, '^\p{Lu}[\p{Lu}''’-]*\p{Lu}\.? ')
            and regexp_matches({{ name }}, '\p{Ll}')
            then struct_pack(
                given_name := regexp_extract({{ name }}, '{{ upper_case_surname }}', 2),
                surname := regexp_extract({{ name }}, '{{ upper_case_surname }}', 1),
                name_split_rule := 'upper_case_surname_first'
            )
        -- The surname is the last word and the particles before it, never the first word.
        else struct_pack(
            given_name := split_part({{ name }}, ' ', 1),
            surname := regexp_extract(
                substr({{ name }}, strpos({{ name }}, ' ') + 1), '((?:(?:{{ particles }}) )*[^ ]+)$', 1, 'i'
            ),
            name_split_rule := 'given_name_first'
        )
    end
{% endmacro %}
