{% macro load_raw_csv(path, table_name) %}
    {#-
        DuckDB only; called by load_raw_sources. Copies the CSV file at `path` into the table
        raw.<table_name>__csv, every column as text, and each record the reader cannot split into the
        header's columns (too many or too few fields, a quote that does not close) or decode as UTF-8
        into raw.unreadable_records with its text, so that no line is lost and none stops the run.
        The dialect is set, not sniffed: sniffing guesses wrong or fails on exactly these files. It is
        RFC 4180 quoting with the header's most frequent delimiter (comma, semicolon, tab or pipe).
        Returns the table, or none when the file is empty (no header within its first lines).
    -#}
    {#- A file with carriage returns (Windows line ends, alone or mixed with Unix ones, or bare ones) is
        read through a copy beside the warehouse whose every line ends in \n: the reader stops on mixed line
        ends. A bare carriage return counts as a line end. A compressed file is read as it is. -#}
    {%- set read = namespace(path=path, bytewise=false) -%}
    {%- if not path.endswith('.gz') -%}
        {%- set file_kind -%}
            select
                utf8_text is not null as is_utf8,
                coalesce(contains(utf8_text, chr(13)), contains(spelled_text, '\x0D')) as has_carriage_return,
                -- The first line that is not blank, as spelled text: any byte but a line end.
                utf8_text is not null or try(decode(cast(regexp_extract(
                    spelled_text,
                    '^(?:\\x0[AD])*((?:[^\\]|\\x(?:0[0-9BCEF]|[1-9A-F][0-9A-F]))*)',
                    1
                ) as blob))) is not null as header_is_utf8
            from (
                select
                    utf8_text,
                    -- Only for a file that is not UTF-8: a blob cast to text spells each byte outside
                    -- printable ASCII as \xHH.
                    case when utf8_text is null then cast(content as varchar) end as spelled_text
                from (select content, try(decode(content)) as utf8_text from read_blob('{{ path }}'))
            )
        {%- endset -%}
        {%- set kind = run_query(file_kind).rows[0] -%}
        {%- if not kind[2] -%}
            {%- do exceptions.raise_compiler_error(
                'The header (first line) of raw file ' ~ path ~ ' is not UTF-8, so its column names cannot be read. '
                ~ 'Convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) and run again.'
            ) -%}
        {%- endif -%}
        {%- if kind[1] -%}
            {%- set read.path = target.path ~ '.' ~ table_name ~ '.csv' -%}
            {%- if kind[0] -%}
                {%- do run_query(
                    "copy (select replace(replace(decode(content), chr(13) || chr(10), chr(10)), chr(13), chr(10))"
                    ~ " from read_blob('" ~ path ~ "')) to '" ~ read.path ~ "'"
                    ~ " (format csv, header false, quote '', escape '', delimiter chr(1))"
                ) -%}
            {%- else -%}
                {%- do normalize_csv_line_ends_bytewise(path, read.path) -%}
                {%- set read.bytewise = true -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- set first_lines = run_query(
        "select line from read_csv('" ~ read.path ~ "', auto_detect = false, header = false, columns = {'line': 'varchar'},"
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
            '{{ read.path }}',
            auto_detect = false, skip = {{ leading_blank_lines }}, header = true,
            delim = '{{ delimiter.value }}', quote = '"', escape = '"',
            columns = { {{- columns | join(', ') -}} },
            store_rejects = true, rejects_table = 'unreadable_csv_lines', rejects_scan = 'unreadable_csv_scans'
        )
    {%- endset -%}
    {%- set keep_unreadable_records -%}
        insert into raw.unreadable_records
        with

        rejected as (
            select
                line as record_number,
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
        ),

        {% if read.bytewise -%}
        not_utf8 as (
            select
                marker,
                raw_text,
                'Invalid unicode: the line is not UTF-8 (the file was split into lines byte by byte).' as reader_error
            from csv_lines_not_utf8
        ),
        {%- else -%}
        not_utf8 as (
            select
                cast(null as varchar) as marker,
                cast(null as varchar) as raw_text,
                cast(null as varchar) as reader_error
            where false
        ),
        {%- endif %}

        final as (
            select
                '{{ table_name }}' as raw_table,
                rejected.record_number,
                case when not_utf8.marker is null then rejected.unreadable_reason else 'invalid_encoding' end
                    as unreadable_reason,
                coalesce(not_utf8.raw_text, rejected.raw_text) as raw_text,
                coalesce(not_utf8.reader_error, rejected.reader_error) as reader_error
            from rejected
            left join not_utf8 on rejected.raw_text = not_utf8.marker
        )

        select * from final
    {%- endset -%}
    {#- The reader appends rejects to its (temporary) tables: start each file afresh. -#}
    {%- do run_query('drop table if exists temp.main.unreadable_csv_lines') -%}
    {%- do run_query('drop table if exists temp.main.unreadable_csv_scans') -%}
    {%- do run_query(copy_rows) -%}
    {%- do run_query(keep_unreadable_records) -%}
    {%- if read.bytewise -%}
        {%- do run_query('drop table csv_lines_not_utf8') -%}
    {%- endif -%}
    {{ return('raw.' ~ table_name ~ '__csv') }}
{% endmacro %}
