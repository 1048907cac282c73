{% macro strip_personal_titles(expression) %}
    {#-
        A name with single spaces and without the titles in front of it (var identity_personal_titles):
        'Dr.  Jane Smith' reads 'Jane Smith', 'Prof. Dr. Hans Müller' reads 'Hans Müller'. A title listed
        with a dot ('m.') counts only when typed with its dot, so that the initial in 'M Dupont' stays.
    -#}
    {%- set alternatives = [] -%}
    {%- for title in var('identity_personal_titles') -%}
        {%- if title.endswith('.') -%}
            {%- do alternatives.append(title[:-1] | replace('.', '\\.') ~ '\\.') -%}
        {%- else -%}
            {%- do alternatives.append(title | replace('.', '\\.') ~ '\\.?') -%}
        {%- endif -%}
    {%- endfor -%}
    nullif(regexp_replace(
        regexp_replace(trim(cast({{ expression }} as varchar)), '\s+', ' ', 'g'),
        '^((({{ alternatives | join("|") }}) )+)(\S)',
        '\4',
        'i'
    ), '')
{% endmacro %}
