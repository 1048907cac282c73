{% macro load_raw_sources() %}
    {{ return(adapter.dispatch('load_raw_sources', 'custseg')()) }}
{% endmacro %}

{% macro default__load_raw_sources() %}
    {# On other warehouses the raw tables are real tables that an EL tool loads: nothing to map. #}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__load_raw_sources() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set raw_dir = raw_data_dir() %}
    {% set listing = run_query("select file from glob('" ~ raw_dir ~ "/*')") %}
    {% set files = listing.columns[0].values() | list %}
    {% do run_query('create schema if not exists raw') %}
    {#- Records of raw files that could not be read (CSV lines the reader cannot split or decode, Parquet
        rows with text that is not UTF-8), kept whole; staging quarantines them. -#}
    {% do run_query(
        'create or replace table raw.unreadable_records (raw_table varchar, record_number bigint,'
        ~ ' unreadable_reason varchar, raw_text varchar, reader_error varchar)'
    ) %}
    {% set present = [] %}
    {% set absent = [] %}
    {% for node in graph.sources.values() | sort(attribute='unique_id') if node.meta.get('raw_file') %}
        {% set found = namespace(path=none, reader=none) %}
        {% for extension in ['parquet', 'csv', 'csv.gz'] %}
            {% set candidate = raw_dir ~ '/' ~ node.meta['raw_file'] ~ '.' ~ extension %}
            {% if found.path is none and candidate in files %}
                {% if extension == 'parquet' %}
                    {% set found.path = candidate %}
                    {% set found.reader = load_raw_parquet(candidate, node.identifier) %}
                {% else %}
                    {# Text is read as text: staging casts each value and quarantines what does not parse. #}
                    {% set found.reader = load_raw_csv(candidate, node.identifier) %}
                    {% set found.path = candidate if found.reader else none %}
                {% endif %}
            {% endif %}
        {% endfor %}
        {% if found.reader != 'raw.' ~ node.identifier ~ '__csv' %}
            {#- The copy of a CSV file read before, now absent or replaced by Parquet. -#}
            {% do run_query('drop table if exists raw.' ~ node.identifier ~ '__csv') %}
        {% endif %}
        {% set select_list = [] %}
        {% if found.path is none %}
            {% for column in node.columns.values() %}
                {% do select_list.append('cast(null as ' ~ column.data_type ~ ') as ' ~ column.name) %}
            {% endfor %}
            {% set body = 'select ' ~ select_list | join(', ') ~ ' where false' %}
            {% do absent.append(node.meta['raw_file']) %}
        {% else %}
            {% set described = run_query('describe select * from ' ~ found.reader) %}
            {% set file_columns = {} %}
            {% for name in described.columns[0].values() %}
                {% do file_columns.update({name | lower | trim: name}) %}
            {% endfor %}
            {% set missing = [] %}
            {% for column in node.columns.values() %}
                {% if column.name | lower in file_columns %}
                    {% do select_list.append(adapter.quote(file_columns[column.name | lower]) ~ ' as ' ~ column.name) %}
                {% elif column.meta.get('required', false) %}
                    {% do missing.append(column.name) %}
                {% else %}
                    {% do select_list.append('cast(null as ' ~ column.data_type ~ ') as ' ~ column.name) %}
                {% endif %}
            {% endfor %}
            {% if missing %}
                {% do exceptions.raise_compiler_error(
                    'Raw file ' ~ found.path ~ ' has no column ' ~ missing | join(', ') ~ ', which the raw contract requires. '
                    ~ 'Rename its header or add the column; the contract is the sources YAML of source "'
                    ~ node.source_name ~ '" (models/staging/' ~ node.source_name ~ '/).'
                ) %}
            {% endif %}
            {% set body = 'select ' ~ select_list | join(', ') ~ ' from ' ~ found.reader %}
            {% do present.append(node.meta['raw_file']) %}
        {% endif %}
        {% do run_query('create or replace view raw.' ~ node.identifier ~ ' as ' ~ body) %}
    {% endfor %}
    {% do log('Raw files read from ' ~ raw_dir ~ ': ' ~ (present | join(', ') or 'none'), info=true) %}
    {% if absent %}
        {% do log('Raw files absent, treated as empty: ' ~ absent | join(', '), info=true) %}
    {% endif %}
    {{ return('') }}
{% endmacro %}
