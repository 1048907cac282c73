{% macro normalize_customer_type(expression) %}
    case
        when lower(trim(cast({{ expression }} as varchar))) in ('person', 'p', 'b2c', 'individual', 'consumer', 'private')
            then 'person'
        when lower(trim(cast({{ expression }} as varchar)))
            in ('organization', 'organisation', 'o', 'b2b', 'company', 'business', 'org', 'corporate')
            then 'organization'
    end
{% endmacro %}
