{% macro final_rejection_reason(key, keep_first_by='raw_record asc') %}
    {#-
        The row's own rejection reason; otherwise 'duplicate_key' for all but one of the valid rows
        sharing a key (the first by keep_first_by: e.g. the most recently updated).
    -#}
    case
        when row_rejection_reason is not null then row_rejection_reason
        when row_number() over (
            partition by {{ key }}, row_rejection_reason is null
            order by {{ keep_first_by }}
        ) > 1 then 'duplicate_key'
    end
{% endmacro %}
