{% macro date_day_order() %}
    {#-
        How a date written with slashes or dashes and the year last is read: 'DMY' (09/04/1956 is 9 April) or
        'MDY' (04/09/1956 is 9 April), from var date_day_order. Anything else stops the build.
    -#}
    {%- set order = var('date_day_order') | string | trim | upper -%}
    {%- if order not in ('DMY', 'MDY') -%}
        {{ exceptions.raise_compiler_error(
            "var date_day_order must be DMY (day first: 09/04/1956 is 9 April 1956) or MDY (month first: "
            ~ "04/09/1956 is 9 April 1956), got: " ~ var('date_day_order') ~ ". Set it in dbt_project.yml "
            ~ "or pass --vars '{date_day_order: MDY}'."
        ) }}
    {%- endif -%}
    {{- return(order) -}}
{% endmacro %}
