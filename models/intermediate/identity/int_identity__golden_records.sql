-- One golden record per customer. Each attribute group survives from one source record, chosen by
-- survivorship rules: the most trusted source for that group (seed identity_source_trust), then the
-- most recently updated record, then the most complete one, then the smallest record key. The source
-- record that supplied each group is kept beside it.
{%- set attribute_groups = [
    {'name': 'name', 'trust': 'name', 'columns': ['first_name', 'last_name', 'company_name'],
        'present': 'coalesce(first_name, last_name, company_name) is not null'},
    {'name': 'email', 'trust': 'contact', 'columns': ['email'], 'present': 'email is not null'},
    {'name': 'phone', 'trust': 'contact', 'columns': ['phone_e164'], 'present': 'phone_e164 is not null'},
    {'name': 'address', 'trust': 'address', 'columns': ['street', 'postcode', 'city', 'country_code'],
        'present': 'coalesce(street, postcode, city) is not null'},
    {'name': 'tax_id', 'trust': 'identifiers', 'columns': ['tax_id'], 'present': 'tax_id is not null'},
    {'name': 'national_id', 'trust': 'identifiers', 'columns': ['national_id'], 'present': 'national_id is not null'},
    {'name': 'web_domain', 'trust': 'web_domain', 'columns': ['web_domain'], 'present': 'web_domain is not null'},
    {'name': 'birth_date', 'trust': 'birth_date', 'columns': ['birth_date'], 'present': 'birth_date is not null'},
] %}
with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

party_records as (
    select * from {{ ref('int_identity__party_records') }}
),

comparable_records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

source_trust as (
    select * from {{ ref('identity_source_trust') }}
),

candidate_values as (
    select
        crosswalk.customer_id,
        party_records.source_record_key,
        party_records.source_system,
        party_records.party_type,
        party_records.first_name,
        party_records.last_name,
        party_records.company_name,
        -- Placeholder emails and phones are not contact details.
        comparable_records.email_key as email,
        comparable_records.phone_key as phone_e164,
        party_records.street,
        party_records.postcode,
        party_records.city,
        party_records.country_code,
        party_records.tax_id,
        party_records.national_id,
        party_records.web_domain,
        party_records.birth_date,
        party_records.created_at,
        party_records.updated_at,
        (
            {%- for column in ['first_name', 'last_name', 'company_name', 'email', 'phone_e164', 'street', 'postcode',
                'city', 'country_code', 'tax_id', 'national_id', 'web_domain', 'birth_date'] %}
                (party_records.{{ column }} is not null)::integer{{ ' +' if not loop.last }}
            {%- endfor %}
        ) as filled_attributes
    from crosswalk
    inner join party_records
        on crosswalk.source_record_key = party_records.source_record_key
    inner join comparable_records
        on crosswalk.source_record_key = comparable_records.source_record_key
),

{% for group in attribute_groups %}
    {{ group['name'] }}_survivors as (
        select
            candidate_values.customer_id,
            {%- for column in group['columns'] %}
                candidate_values.{{ column }},
            {%- endfor %}
            candidate_values.source_record_key as {{ group['name'] }}_source_record_key
        from candidate_values
        left join source_trust
            on
                source_trust.attribute_group = '{{ group["trust"] }}'
                and candidate_values.source_system = source_trust.source_system
        where {{ group['present'] }}
        qualify row_number() over (
            partition by candidate_values.customer_id
            order by
                source_trust.trust_rank asc nulls last,
                candidate_values.updated_at desc nulls last,
                candidate_values.filled_attributes desc,
                candidate_values.source_record_key asc
        ) = 1
    ),

{% endfor %}
customer_summaries as (
    select
        customer_id,
        -- The type most records give; organizations win a tie (a contact person is not the customer).
        case
            when
                count_if(party_type = 'organization') > 0
                and count_if(party_type = 'organization') >= count_if(party_type = 'person') then 'organization'
            when count_if(party_type = 'person') > 0 then 'person'
        end as party_type,
        count(*) as source_record_count,
        list(distinct source_system order by source_system) as source_systems,
        min(created_at) as first_seen_at,
        max(updated_at) as last_updated_at
    from candidate_values
    group by customer_id
),

final as (
    select
        customer_summaries.customer_id,
        customer_summaries.party_type,
        {%- for group in attribute_groups %}
            {%- for column in group['columns'] %}
                {{ group['name'] }}_survivors.{{ column }},
            {%- endfor %}
        {%- endfor %}
        {%- for group in attribute_groups %}
            {{ group['name'] }}_survivors.{{ group['name'] }}_source_record_key,
        {%- endfor %}
        customer_summaries.source_record_count,
        customer_summaries.source_systems,
        customer_summaries.first_seen_at,
        customer_summaries.last_updated_at
    from
        customer_summaries
    {%- for group in attribute_groups %}
    left join {{ group['name'] }}_survivors
        on customer_summaries.customer_id = {{ group['name'] }}_survivors.customer_id
    {%- endfor %}
)

select * from final
