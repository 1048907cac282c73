{% macro strip_personal_titles(expression) %}
    {#-
        A name without the titles in front of it (var identity_personal_titles): 'Dr. Jane Smith' reads
        'Jane Smith', 'Prof. Dr. Hans Müller' reads 'Hans Müller'. A title listed with a dot ('m.')
        counts only when typed with its dot, so that the initial in 'M Dupont' stays. Expects text with
        single spaces, as staging's clean_text leaves it; the regular expression runs only on names
        whose first word is a title.
    -#}
    {%- set alternatives = [] -%}
    {%- set first_words = [] -%}
    {%- for title in var('identity_personal_titles') | map('lower') -%}
        {%- if title.endswith('.') -%}
            {%- do alternatives.append(title[:-1] | replace('.', '\\.') ~ '\\.') -%}
            {%- do first_words.append(title) -%}
        {%- else -%}
            {%- do alternatives.append(title | replace('.', '\\.') ~ '\\.?') -%}
            {%- do first_words.extend([title, title ~ '.']) -%}
        {%- endif -%}
    {%- endfor -%}
    case
        when lower(split_part({{ expression }}, ' ', 1)) in ('{{ first_words | join("', '") }}')
            then regexp_replace({{ expression }}, '^((({{ alternatives | join("|") }}) )+)(\S)', '\4', 'i')
        else {{ expression }}
    end
{% endmacro %}
