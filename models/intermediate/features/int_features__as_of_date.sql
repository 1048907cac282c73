-- The observation date of every feature: var features_as_of_date, else the latest date in the customer facts;
-- and the earliest fact date, where reported history starts.
{%- set as_of_var = var('features_as_of_date') %}
{%- if as_of_var is not none and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', as_of_var | string) %}
    {{ exceptions.raise_compiler_error(
        "var features_as_of_date must be a date written YYYY-MM-DD (or null for the latest fact date), got: " ~ as_of_var
    ) }}
{%- endif %}
{%- set as_of_override = "cast(null as date)" if as_of_var is none else "cast('" ~ as_of_var ~ "' as date)" %}
with

customer_fact_spans as (
    select * from {{ ref('int_customer_facts__customer_fact_spans') }}
),

final as (
    select
        coalesce({{ as_of_override }}, max(last_fact_date), current_date) as as_of_date,
        case
            when {{ as_of_override }} is not null then 'var features_as_of_date'
            else 'latest fact date'
        end as as_of_date_source,
        min(first_fact_date) as first_fact_date
    from customer_fact_spans
)

select * from final
