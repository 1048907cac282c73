{% macro is_malformed_email(expression) %}
    coalesce(
        {{ clean_text(expression) }} is not null
        and not regexp_full_match(lower(trim(cast({{ expression }} as varchar))), '{{ email_pattern() }}'),
        false
    )
{% endmacro %}
