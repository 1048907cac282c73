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
        name more often than as a surname), such a name is read given name first. Expects a name without
        titles (macro strip_personal_titles); the titles after a comma ('Smith, Dr. Jane') are stripped here.
    -#}
    {%- set particles = var('identity_surname_particles') -%}
    case
        when {{ name }} is null then null
        when {{ name }} like '%,%' then struct_pack(
            given_name := nullif(split_part({{ strip_personal_titles("split_part(" ~ name ~ ", ',', 2)") }}, ' ', 1), ''),
            surname := nullif(trim(split_part({{ name }}, ',', 1)), ''),
            name_split_rule := 'comma_last_first'
        )
        else list_transform(
            [string_split({{ name }}, ' ')],
            lambda name_words: case
                when len(name_words) = 1 then struct_pack(
                    given_name := null::varchar,
                    surname := name_words[1],
                    name_split_rule := 'single_token'
                )
                -- 'SMITH Jane': upper-case words (two letters or more each) up to the first word in mixed case.
                when
                    not coalesce({{ upper_case_word_is_given_name }}, false)
                    and regexp_full_match(name_words[1], '\p{Lu}[\p{Lu}''’-]*\p{Lu}\.?')
                    and list_position(list_transform(name_words, lambda name_word: regexp_matches(name_word, '\p{Ll}')), true)
                    is not null
                    then list_transform(
                        [list_position(list_transform(name_words, lambda name_word: regexp_matches(name_word, '\p{Ll}')), true)],
                        lambda given_at: struct_pack(
                            given_name := name_words[given_at],
                            surname := array_to_string(name_words[1:given_at - 1], ' '),
                            name_split_rule := 'upper_case_surname_first'
                        )
                    )[1]
                else list_transform(
                    -- The surname starts after the last word before the final one that is not a particle.
                    [coalesce(list_max(list_filter(
                        range(2, len(name_words)),
                        lambda word_at: lower(name_words[word_at]) not in ('{{ particles | join("', '") }}')
                    )) + 1, 2)],
                    lambda surname_at: struct_pack(
                        given_name := name_words[1],
                        surname := array_to_string(name_words[surname_at:], ' '),
                        name_split_rule := 'given_name_first'
                    )
                )[1]
            end
        )[1]
    end
{% endmacro %}
