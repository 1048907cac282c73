-- The observation date of every feature: var features_as_of_date, else the latest date in the customer facts.
{%- set as_of_var = var('features_as_of_date') %}
{%- if as_of_var is not none and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', as_of_var | string) %}
    {{ exceptions.raise_compiler_error(
        "var features_as_of_date must be a date written YYYY-MM-DD (or null for the latest fact date), got: " ~ as_of_var
    ) }}
{%- endif %}
{%- set as_of_override = "cast(null as date)" if as_of_var is none else "cast('" ~ as_of_var ~ "' as date)" %}
with

invoices as (
    select * from {{ ref('int_customer_facts__invoices') }}
),

subscription_events as (
    select * from {{ ref('int_customer_facts__subscription_events') }}
),

tickets as (
    select * from {{ ref('int_customer_facts__tickets') }}
),

usage_days as (
    select * from {{ ref('int_customer_facts__usage_days') }}
),

nps_responses as (
    select * from {{ ref('int_customer_facts__nps_responses') }}
),

latest_fact_dates as (
    select max(invoice_date) as latest_date from invoices
    union all
    select max(cast(event_at as date)) as latest_date from subscription_events
    union all
    select max(cast(created_at as date)) as latest_date from tickets
    union all
    select max(usage_date) as latest_date from usage_days
    union all
    select max(cast(responded_at as date)) as latest_date from nps_responses
),

final as (
    select
        coalesce({{ as_of_override }}, max(latest_date), current_date) as as_of_date,
        case
            when {{ as_of_override }} is not null then 'var features_as_of_date'
            else 'latest fact date'
        end as as_of_date_source
    from latest_fact_dates
)

select * from final
