{% macro load_raw_parquet(path, table_name) %}
    {#-
        DuckDB only; called by load_raw_sources. Returns how to read the raw Parquet file at `path`: as it
        is, unless a text column holds bytes that are not UTF-8, which DuckDB refuses. Then each such row
        goes to raw.unreadable_records as invalid_encoding, with the row as JSON ('?' for each byte that is
        not UTF-8) and the columns it was found in, and the file is read without those rows.
    -#}
    {%- set reader = "read_parquet('" ~ path ~ "')" -%}
    {%- set described = run_query('describe select * from ' ~ reader) -%}
    {%- set names = described.columns[0].values() | list -%}
    {%- set text_columns = [] -%}
    {%- for row in described.rows if row[1] == 'VARCHAR' -%}
        {%- do text_columns.append(row[0]) -%}
    {%- endfor -%}
    {%- if not text_columns -%}
        {{ return(reader) }}
    {%- endif -%}

    {#- Read leniently, a byte that is not UTF-8 becomes '?': only a row with a '?' can hold one. A second
        lenient read drops such bytes instead, and a value that differs between the two has one. (Lengths
        alone would not do: DuckDB reads them without decoding the text.) -#}
    {%- set has_question_mark -%}
        {%- for name in text_columns -%}
            contains({{ adapter.quote(name) }}, '?'){{ ' or ' if not loop.last }}
        {%- endfor -%}
    {%- endset -%}
    {%- set rows_with_question_mark = run_query(
        "select count(*) from read_parquet('" ~ path ~ "', utf8_validation = 'replace') where " ~ has_question_mark
    ).columns[0].values()[0] -%}
    {%- if rows_with_question_mark == 0 -%}
        {{ return(reader) }}
    {%- endif -%}

    {%- set keep_invalid_rows -%}
        insert into raw.unreadable_records
        with

        replaced as (
            select * from read_parquet('{{ path }}', utf8_validation = 'replace', file_row_number = true)
            where {{ has_question_mark }}
        ),

        ignored as (
            select * from read_parquet('{{ path }}', utf8_validation = 'ignore', file_row_number = true)
        ),

        compared as (
            select
                replaced.file_row_number,
                {
                    {%- for name in names %}
                    '{{ name | replace("'", "''") }}': replaced.{{ adapter.quote(name) }}{{ ',' if not loop.last }}
                    {%- endfor %}
                } as row_values,
                concat_ws(
                    ', ',
                    {%- for name in text_columns %}
                    case
                        when replaced.{{ adapter.quote(name) }} is distinct from ignored.{{ adapter.quote(name) }}
                            then '{{ name | replace("'", "''") }}'
                    end{{ ',' if not loop.last }}
                    {%- endfor %}
                ) as invalid_columns
            from replaced
            inner join ignored on replaced.file_row_number = ignored.file_row_number
        )

        select
            '{{ table_name }}' as raw_table,
            file_row_number + 1 as record_number,
            'invalid_encoding' as unreadable_reason,
            cast(to_json(row_values) as varchar) as raw_text,
            'Text that is not UTF-8 in column ' || invalid_columns as reader_error
        from compared
        where invalid_columns <> ''
    {%- endset -%}
    {%- do run_query(keep_invalid_rows) -%}
    {%- set rows_not_utf8 = run_query(
        "select count(*) from raw.unreadable_records where raw_table = '" ~ table_name ~ "'"
    ).columns[0].values()[0] -%}
    {%- if rows_not_utf8 == 0 -%}
        {#- Every '?' was in the data. -#}
        {{ return(reader) }}
    {%- endif -%}
    {{ return(
        "(select * exclude (file_row_number) from read_parquet('" ~ path ~ "', utf8_validation = 'replace',"
        ~ " file_row_number = true) where file_row_number + 1 not in"
        ~ " (select record_number from raw.unreadable_records where raw_table = '" ~ table_name ~ "'))"
    ) }}
{% endmacro %}
