{% macro check_steward_decisions() %}
    {#- Run before every dbt command (on-run-start), before the raw files are mapped. Which steward seeds the
        build reads is decided when dbt parses the project (config enabled of seeds/steward/ and seeds/sample/
        in dbt_project.yml, from the same var and env): this checks the choice against the raw folder.
        The sample's decisions name customers and people of generated data, so they never apply to a folder
        the generator did not write (it leaves its marker file there). -#}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set marker = '_custseg_generated.json' %}
    {% set chosen = var('steward_decisions', env_var('SEG_STEWARD_DECISIONS', 'own')) | string %}
    {% if chosen not in ('own', 'sample') %}
        {% do exceptions.raise_compiler_error(
            "steward_decisions must be own (your steward seeds, seeds/steward/) or sample (the generated sample's, "
            ~ "seeds/sample/), got: " ~ chosen ~ ". Set it with the environment variable SEG_STEWARD_DECISIONS "
            ~ "or --vars '{steward_decisions: own}'."
        ) %}
    {% endif %}
    {% set raw_dir = raw_data_dir() %}
    {% set found = run_query("select count(*) from glob('" ~ raw_dir ~ "/" ~ marker ~ "')").columns[0].values()[0] %}
    {% if chosen == 'sample' and found == 0 %}
        {% do exceptions.raise_compiler_error(
            "steward_decisions is sample, but the raw folder " ~ raw_dir ~ " was not written by the generator "
            ~ "(it has no " ~ marker ~ "): the sample's steward decisions (seeds/sample/) name customers and "
            ~ "people of generated data and must not apply to yours. Unset SEG_STEWARD_DECISIONS (or pass "
            ~ "--vars '{steward_decisions: own}'); your own decisions go in seeds/steward/. (Data generated "
            ~ "before the generator wrote the marker lacks it: generate it again, e.g. make sample.)"
        ) %}
    {% endif %}
    {% if chosen == 'sample' %}
        {% do log('Steward decisions: the generated sample\'s, from seeds/sample/', info=true) %}
    {% elif found > 0 %}
        {% do log('Steward decisions: seeds/steward/, though ' ~ raw_dir ~ ' holds generated data; '
            ~ 'SEG_STEWARD_DECISIONS=sample (as make build sets for the sample) applies the sample\'s, from seeds/sample/', info=true) %}
    {% else %}
        {% do log('Steward decisions: seeds/steward/', info=true) %}
    {% endif %}
    {{ return('') }}
{% endmacro %}
