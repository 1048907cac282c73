{% macro normalize_postcode(expression, country_code) %}
    {#- Upper case without spaces; US ZIP+4 reduced to the five-digit ZIP so both spellings match. -#}
    case
        when {{ country_code }} = 'US'
            then nullif(left(regexp_replace(cast({{ expression }} as varchar), '[^0-9]', '', 'g'), 5), '')
        else nullif(upper(regexp_replace(cast({{ expression }} as varchar), '[^0-9A-Za-z]', '', 'g')), '')
    end
{% endmacro %}
