{% macro load_raw_csv(path, table_name) %}
    {#-
        DuckDB only; called by load_raw_sources. Copies the CSV file at `path` into the table
        raw.<table_name>__csv, every column as text, and each record the reader cannot split into the
        header's columns (too many or too few fields, a quote that does not close) or decode as UTF-8
        into raw.unreadable_csv_records with its text, so that no line is lost and none stops the run.
        The dialect is set, not sniffed: sniffing guesses wrong or fails on exactly these files. It is
        RFC 4180 quoting with the header's most frequent delimiter (comma, semicolon, tab or pipe).
        Returns the table, or none when the file is empty (no header within its first lines).
    -#}
    {#- A file with carriage returns (Windows line ends, alone or mixed with Unix ones, or bare ones) is
        read through a copy beside the warehouse whose every line ends in \n: the reader stops on mixed line
        ends. A bare carriage return counts as a line end. A file that is not UTF-8 is read as it is. -#}
    {%- set has_carriage_return = run_query(
        "select coalesce(contains(try(decode(content)), chr(13)), false) from read_blob('" ~ path ~ "')"
    ).columns[0].values()[0] -%}
    {%- set read_path = path -%}
    {%- if has_carriage_return -%}
        {%- set read_path = target.path ~ '.' ~ table_name ~ '.csv' -%}
        {%- do run_query(
            "copy (select replace(replace(decode(content), chr(13) || chr(10), chr(10)), chr(13), chr(10))"
            ~ " from read_blob('" ~ path ~ "')) to '" ~ read_path ~ "'"
            ~ " (format csv, header false, quote '', escape '', delimiter chr(1))"
        ) -%}
    {%- endif -%}
    {%- set first_lines = run_query(
        "select line from read_csv('" ~ read_path ~ "', auto_detect = false, header = false, columns = {'line': 'varchar'},"
        ~ " delim = chr(0), quote = '', escape = '', strict_mode = false, ignore_errors = true) limit 20"
    ).columns[0].values() | list -%}
    {%- set non_blank_lines = first_lines | reject('none') | list -%}
    {%- if not non_blank_lines -%}
        {{ return(none) }}
    {%- endif -%}
    {#- The header is the first line that is not blank; blank lines before it are skipped. -#}
    {%- set header = non_blank_lines[0] -%}
    {%- set leading_blank_lines = first_lines.index(header) -%}

    {%- set delimiter = namespace(value=',') -%}
    {%- for candidate in [';', '\t', '|'] if header.count(candidate) > header.count(delimiter.value) -%}
        {%- set delimiter.value = candidate -%}
    {%- endfor -%}
    {%- set names = [] -%}
    {%- for field in header.split(delimiter.value) -%}
        {%- set name = field.strip().strip('"').strip() -%}
        {%- do names.append(name if name and name not in names else 'column' ~ loop.index) -%}
    {%- endfor -%}
    {%- set columns = [] -%}
    {%- for name in names -%}
        {%- do columns.append("'" ~ name | replace("'", "''") ~ "': 'varchar'") -%}
    {%- endfor -%}

    {%- set copy_rows -%}
        create or replace table raw.{{ table_name }}__csv as
        select * from read_csv(
            '{{ read_path }}',
            auto_detect = false, skip = {{ leading_blank_lines }}, header = true,
            delim = '{{ delimiter.value }}', quote = '"', escape = '"',
            columns = { {{- columns | join(', ') -}} },
            store_rejects = true, rejects_table = 'unreadable_csv_lines', rejects_scan = 'unreadable_csv_scans'
        )
    {%- endset -%}
    {%- set keep_unreadable_records -%}
        insert into raw.unreadable_csv_records
        select
            '{{ table_name }}' as raw_table,
            line as line_number,
            case when bool_or(error_type = 'INVALID ENCODING') then 'invalid_encoding' else 'malformed_row' end
                as unreadable_reason,
            trim(any_value(csv_line), chr(10) || chr(13)) as raw_text,
            -- The reader reports a short line once per missing field: its first error says it all.
            coalesce(
                min(error_message) filter (where error_type = 'INVALID ENCODING'),
                arg_min(error_message, column_idx)
            ) as reader_error
        from unreadable_csv_lines
        group by line
    {%- endset -%}
    {#- The reader appends rejects to its (temporary) tables: start each file afresh. -#}
    {%- do run_query('drop table if exists temp.main.unreadable_csv_lines') -%}
    {%- do run_query('drop table if exists temp.main.unreadable_csv_scans') -%}
    {%- do run_query(copy_rows) -%}
    {%- do run_query(keep_unreadable_records) -%}
    {{ return('raw.' ~ table_name ~ '__csv') }}
{% endmacro %}
