{% macro raw_data_dir() %}
    {#- The folder of raw exports: var raw_data_dir, else env SEG_RAW_DIR, else the generated sample. -#}
    {{- return((var('raw_data_dir', env_var('SEG_RAW_DIR', 'data/sample/raw')) | string).rstrip('/')) -}}
{% endmacro %}
