{% macro is_personal_name(name) %}
    {#-
        Whether a name has the shape of a person's name, which says nothing of any particular name
        list: no digits; either 'Last, First' (one comma, one to four words before it, one to three
        after) or two to three words (first and last name, maybe a middle name), not counting the
        particles of a surname (var identity_surname_particles: 'Jane van der Berg' has two). A word is
        letters, with inner hyphens or apostrophes (Jean-Luc, O'Neil) and maybe a trailing dot (J.).
        Expects a name without titles (macro strip_personal_titles).
    -#}
    {%- set word = "\\p{L}+([''’-]\\p{L}+)*\\.?" -%}
    {%- set particles = var('identity_surname_particles') -%}
    coalesce(
        not regexp_matches({{ name }}, '[0-9]')
        and case
            when {{ name }} like '%,%'
                then regexp_full_match({{ name }}, '{{ word }}( {{ word }}){0,3} ?, ?{{ word }}( {{ word }}){0,2}')
            else list_transform(
                [string_split({{ name }}, ' ')],
                lambda name_words: len(name_words) between 2 and 5
                and len(list_filter(name_words, lambda name_word: not regexp_full_match(name_word, '{{ word }}'))) = 0
                -- The last word is always the surname, even when it reads like a particle ('Anh Le').
                and 1 + len(list_filter(
                    name_words[:-2],
                    lambda name_word: lower(name_word) not in ('{{ particles | join("', '") }}')
                )) between 2 and 3
            )[1]
        end,
        false
    )
{% endmacro %}
