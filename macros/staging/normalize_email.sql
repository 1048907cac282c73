{% macro normalize_email(expression) %}
    case
        when regexp_full_match(lower(trim(cast({{ expression }} as varchar))), '{{ email_pattern() }}')
            then lower(trim(cast({{ expression }} as varchar)))
    end
{% endmacro %}
