{% macro names_alike(left_name, right_name) %}
    {#-
        Two standardized names alike: a Jaro-Winkler similarity of at least 0.92, or one typo (a letter
        added, dropped or changed, or two swapped), which Jaro-Winkler scores low in short names
        ('boanet' and 'bonnet').
    -#}
    (
        jaro_winkler_similarity({{ left_name }}, {{ right_name }}) >= 0.92
        or damerau_levenshtein({{ left_name }}, {{ right_name }}) <= 1
    )
{% endmacro %}
