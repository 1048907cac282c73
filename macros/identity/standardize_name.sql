{% macro standardize_name(expression) %}
    {#-
        A name reduced to what identifies it: lower case ASCII letters and digits separated by
        single spaces ('ß' as 'ss', accents dropped, '&' as 'and', dots and apostrophes removed so
        that 'G.m.b.H.' reads 'gmbh' and "O'Neil" reads 'oneil').
    -#}
    nullif(trim(regexp_replace(
        regexp_replace(
            replace(lower(strip_accents(replace(cast({{ expression }} as varchar), 'ß', 'ss'))), '&', ' and '),
            '[.'']', '', 'g'
        ),
        '[^a-z0-9]+', ' ', 'g'
    )), '')
{% endmacro %}
