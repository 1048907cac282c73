{% macro normalize_phone(expression, country_code) %}
    {#-
        E.164 (+<country><number>) from the formats people type: +44 20 7946 0958, 0044-2079460958,
        (415) 555-0123, 020 7946 0958 (national, trunk 0, needs the record's country).
        Null when the result is not E.164 (a country code not starting with 0, 7 to 15 digits in all).
    -#}
    {%- set digits = "regexp_replace(cast(" ~ expression ~ " as varchar), '[^0-9]', '', 'g')" -%}
    {%- set calling_code -%}
        case coalesce({{ country_code }}, '{{ var("default_country_code") }}')
            {%- for code, reference in country_reference().items() %}
            when '{{ code }}' then '{{ reference[0] }}'
            {%- endfor %}
        end
    {%- endset -%}
    nullif(regexp_extract(case
        when length({{ digits }}) not between 7 and 17 then null
        when trim(cast({{ expression }} as varchar)) like '+%' then '+' || {{ digits }}
        when {{ digits }} like '00%' then '+' || substr({{ digits }}, 3)
        when {{ digits }} like '0%' then '+' || {{ calling_code }} || substr({{ digits }}, 2)
        when {{ calling_code }} = '1' and length({{ digits }}) = 10 then '+1' || {{ digits }}
        when {{ calling_code }} = '1' and length({{ digits }}) = 11 and {{ digits }} like '1%' then '+' || {{ digits }}
    end, '^\+[1-9][0-9]{6,14}$'), '')
{% endmacro %}
