{% macro field_issue(expression, data_type, parsed) %}
    {#-
        Why a raw value of an optional column cannot be kept (null when it can): unparseable_value, or for a
        date or timestamp future_date (after var max_valid_date; a timestamp may fall on the following day)
        or implausible_date (before var min_valid_date). The model sets the value to null, stages the row
        and lists the issue in the source's field issues model. parsed: the value as converted.
    -#}
    {%- set kind = data_type | lower | replace(' ', '') -%}
    case
        when {{ is_unparseable(expression, data_type, parsed) }} then 'unparseable_value'
        {%- if kind == 'date' %}
        when {{ parsed }} > {{ max_valid_date() }} then 'future_date'
        when {{ parsed }} < {{ min_valid_date() }} then 'implausible_date'
        {%- elif kind == 'timestamp' %}
        when {{ parsed }} > {{ max_valid_date() }} + interval 1 day then 'future_date'
        when {{ parsed }} < {{ min_valid_date() }} then 'implausible_date'
        {%- endif %}
    end
{% endmacro %}
