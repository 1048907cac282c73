{% macro raw_record(relation_alias) %}
    {{ return(adapter.dispatch('raw_record', 'custseg')(relation_alias)) }}
{% endmacro %}

{% macro default__raw_record(relation_alias) %}
    to_json({{ relation_alias }})
{% endmacro %}

{% macro spark__raw_record(relation_alias) %}
    to_json(struct({{ relation_alias }}.*))
{% endmacro %}
