-- The fiscal calendar: whole fiscal years from the one holding the earliest customer fact to the one
-- holding the as-of date, so KPIs work for whatever years the data covers. Seed fiscal_calendar, when
-- it has rows, replaces the generated periods (and the vars below do not apply).
--
-- Generated periods follow vars fiscal_year_start_month and fiscal_calendar_pattern:
-- - A fiscal year is named for the calendar year its nominal span ends in (the 1st of the start month to
--   the day before it a year later): with a July start, FY2026 runs from July 2025 to June 2026; with the
--   default January start, fiscal years are calendar years.
-- - monthly: twelve calendar months from the start month.
-- - 4-4-5 (or 4-5-4, 5-4-4): weeks from Monday to Sunday. The year starts on the Monday nearest the 1st of
--   the start month (with a January start, the ISO 8601 week-numbering year) and ends the day before the
--   next year's start: 52 weeks, or 53 in about one year out of six, whose extra week the last period
--   takes. Quarters are three periods of the pattern's weeks.
{%- set start_month_var = var('fiscal_year_start_month') %}
{%- set pattern = var('fiscal_calendar_pattern') | string %}
{%- if not modules.re.fullmatch('[1-9]|1[0-2]', start_month_var | string | trim) %}
    {{ exceptions.raise_compiler_error(
        "var fiscal_year_start_month must be the month the fiscal year starts in, a number from 1 (January)"
        ~ " to 12 (December); got: " ~ start_month_var
    ) }}
{%- endif %}
{%- set start_month = start_month_var | string | trim | int %}
{%- set weekly_patterns = {'4-4-5': [4, 4, 5], '4-5-4': [4, 5, 4], '5-4-4': [5, 4, 4]} %}
{%- if pattern != 'monthly' and pattern not in weekly_patterns %}
    {{ exceptions.raise_compiler_error(
        "var fiscal_calendar_pattern must be monthly (calendar months) or a pattern of weeks per quarter:"
        ~ " 4-4-5, 4-5-4 or 5-4-4; got: " ~ pattern
    ) }}
{%- endif %}
{#- Weeks before each period and in it, for the twelve periods of a weekly year. -#}
{%- set periods = [] %}
{%- set weeks_so_far = namespace(total=0) %}
{%- for period_number in range(1, 13) %}
    {%- set weeks = weekly_patterns.get(pattern, [0, 0, 0])[(period_number - 1) % 3] %}
    {%- do periods.append({'number': period_number, 'weeks_before': weeks_so_far.total, 'weeks': weeks}) %}
    {%- set weeks_so_far.total = weeks_so_far.total + weeks %}
{%- endfor %}
{#- The calendar year a fiscal year's nominal span starts in is its name less this. -#}
{%- set name_offset = 0 if start_month == 1 else 1 %}
with

calendar_seed as (
    select * from {{ ref('fiscal_calendar') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

seed_periods as (
    select
        cast(fiscal_period as varchar) as fiscal_period,
        cast(fiscal_year as integer) as fiscal_year,
        cast(fiscal_quarter as integer) as fiscal_quarter,
        cast(fiscal_period_number as integer) as fiscal_period_number,
        cast(period_start_date as date) as period_start_date,
        cast(period_end_date as date) as period_end_date
    from calendar_seed
),

-- Without facts, the calendar holds the year of the as-of date.
date_range as (
    select
        least(coalesce(first_fact_date, as_of_date), as_of_date) as first_date,
        as_of_date as last_date
    from as_of_date
),

-- One year more on each side: a weekly year can start a few days before its nominal start.
fiscal_years as (
    select
        cast(generated.generate_series as integer) as fiscal_year,
        make_date(cast(generated.generate_series as integer) - {{ name_offset }}, {{ start_month }}, 1)
            as nominal_start_date
    from date_range
    cross join generate_series(
        year(date_range.first_date)
        + case when month(date_range.first_date) >= {{ start_month }} then {{ name_offset }} else 0 end - 1,
        year(date_range.last_date)
        + case when month(date_range.last_date) >= {{ start_month }} then {{ name_offset }} else 0 end + 1
    ) as generated
),

year_spans as (
    select
        fiscal_year,
        nominal_start_date,
        {%- if pattern == 'monthly' %}
            nominal_start_date as year_start_date
        {%- else %}
            -- The Monday nearest the nominal start: up to three days before it or after it.
            cast(nominal_start_date - cast((isodow(nominal_start_date) + 2) % 7 - 3 as integer) as date) as year_start_date
        {%- endif %}
    from fiscal_years
),

year_bounds as (
    select
        fiscal_year,
        nominal_start_date,
        year_start_date,
        cast(lead(year_start_date) over (order by fiscal_year) - 1 as date) as year_end_date
    from year_spans
),

period_numbers as (
    select
        period_shapes.fiscal_period_number,
        period_shapes.weeks_before,
        period_shapes.weeks
    from (
        values
        {%- for period in periods %}
            ({{ period.number }}, {{ period.weeks_before }}, {{ period.weeks }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as period_shapes (fiscal_period_number, weeks_before, weeks)
),

generated_periods as (
    select
        'FY' || year_bounds.fiscal_year || '-P' || lpad(cast(period_numbers.fiscal_period_number as varchar), 2, '0')
            as fiscal_period,
        year_bounds.fiscal_year,
        cast((period_numbers.fiscal_period_number - 1) // 3 + 1 as integer) as fiscal_quarter,
        period_numbers.fiscal_period_number,
        {%- if pattern == 'monthly' %}
            cast(
                year_bounds.nominal_start_date + to_months(period_numbers.fiscal_period_number - 1) as date
            ) as period_start_date,
            cast(
                year_bounds.nominal_start_date + to_months(period_numbers.fiscal_period_number) as date
            ) - 1 as period_end_date
        {%- else %}
            cast(year_bounds.year_start_date + 7 * period_numbers.weeks_before as date) as period_start_date,
            -- The last period ends with the year: it takes the 53rd week when there is one.
            case
                when period_numbers.fiscal_period_number = 12 then year_bounds.year_end_date
                else cast(year_bounds.year_start_date + 7 * (period_numbers.weeks_before + period_numbers.weeks) - 1 as date)
            end as period_end_date
        {%- endif %}
    from year_bounds
    cross join period_numbers
    cross join date_range
    where
        year_bounds.year_end_date is not null
        and year_bounds.year_end_date >= date_range.first_date
        and year_bounds.year_start_date <= date_range.last_date
),

final as (
    select
        *,
        'seed fiscal_calendar' as calendar_source
    from seed_periods
    union all
    select
        *,
        'generated: {{ pattern }}, fiscal year starting in month {{ start_month }}' as calendar_source
    from generated_periods
    where not exists (select 1 from seed_periods)
)

select * from final
