{% macro normalize_csv_line_ends_bytewise(path, read_path) %}
    {#-
        DuckDB only; called by load_raw_csv for a file that has carriage returns and is not UTF-8 as a
        whole, which DuckDB cannot turn into text in one piece. The file is split into lines on its bytes
        (spelled as text, \xHH for each byte outside printable ASCII), every line end becoming \n and a
        bare carriage return ending a line, and the lines are written to the copy at `read_path`. A line
        that is not UTF-8 cannot be written: a marker line stands in its place, which the reader rejects
        like any unreadable record, and the temporary table csv_lines_not_utf8 gives each marker the
        line's text ('?' for each byte that is not UTF-8).
    -#}
    {%- set split_lines -%}
        create or replace temp table csv_lines_bytewise as
        select
            line_number,
            spelled_line,
            try(decode(cast(spelled_line as blob))) as line_text
        from (
            select
                unnest(range(1, len(lines) + 1)) as line_number,
                unnest(lines) as spelled_line
            from (
                select string_split(
                    replace(replace(cast(content as varchar), '\x0D\x0A', '\x0A'), '\x0D', '\x0A'), '\x0A'
                ) as lines
                from read_blob('{{ path }}')
            )
        )
    {%- endset -%}
    {#- A quoted value then a character after its closing quote: no record of any header. -#}
    {%- set marker = "'\"custseg: line ' || line_number || ' is not UTF-8\"!'" -%}
    {%- set write_copy -%}
        copy (
            select string_agg(coalesce(line_text, {{ marker }}), chr(10) order by line_number)
            from csv_lines_bytewise
        ) to '{{ read_path }}' (format csv, header false, quote '', escape '', delimiter chr(1))
    {%- endset -%}
    {#- A well-formed UTF-8 sequence is kept, any other byte from \x80 up becomes '?'. The first pass tags
        each such byte \qHH\r and each sequence \q\r<sequence>, as the two cannot be told apart later. -#}
    {%- set utf8_sequence = '\\\\x(?:C[2-9A-F]|D[0-9A-F])\\\\x[89AB][0-9A-F]'
        ~ '|\\\\xE[0-9A-F](?:\\\\x[89AB][0-9A-F]){2}'
        ~ '|\\\\xF[0-4](?:\\\\x[89AB][0-9A-F]){3}' -%}
    {%- set keep_lines_not_utf8 -%}
        create or replace temp table csv_lines_not_utf8 as
        select
            {{ marker }} as marker,
            coalesce(
                try(decode(cast(replace(regexp_replace(
                    regexp_replace(spelled_line, '({{ utf8_sequence }})|\\x([89A-F][0-9A-F])', '\\q\2\\r\1', 'g'),
                    '\\q[89A-F][0-9A-F]\\r', '?', 'g'
                ), '\q\r', '') as blob))),
                decode(cast(regexp_replace(spelled_line, '\\x[89A-F][0-9A-F]', '?', 'g') as blob))
            ) as raw_text
        from csv_lines_bytewise
        where line_text is null
    {%- endset -%}
    {%- do run_query(split_lines) -%}
    {%- do run_query(write_copy) -%}
    {%- do run_query(keep_lines_not_utf8) -%}
    {%- do run_query('drop table csv_lines_bytewise') -%}
{% endmacro %}
