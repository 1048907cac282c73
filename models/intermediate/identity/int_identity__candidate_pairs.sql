-- Record pairs worth comparing: those sharing a usable strong identifier (deterministic evidence) and
-- those sharing a blocking key (candidates for probabilistic evidence), plus pairs a data steward has
-- decided on. Blocking keeps the number of pairs roughly linear in the number of records.
with

records as (
    select * from {{ ref('int_identity__comparable_records') }}
),

identifier_values as (
    select * from {{ ref('int_identity__identifier_values') }}
),

link_decisions as (
    select * from {{ ref('int_identity__link_decisions') }}
),

-- Deterministic evidence: equal strong identifiers on records of compatible party types.
usable_identifiers as (
    select * from identifier_values
    where blocked_reason is null
),

identifier_pairs as (
    select
        left_ids.record_number as left_record_number,
        right_ids.record_number as right_record_number,
        left_ids.identifier_type
    from usable_identifiers as left_ids
    inner join usable_identifiers as right_ids
        on
            left_ids.identifier_type = right_ids.identifier_type
            and left_ids.identifier_value = right_ids.identifier_value
            and left_ids.record_number < right_ids.record_number
    where
        left_ids.party_type is null
        or right_ids.party_type is null
        or left_ids.party_type = right_ids.party_type
),

-- Blocking keys (macro identity_blocking_rules): records agreeing on one are compared field by field.
-- Persons and organizations are blocked apart (a record of unknown type is blocked with both).
{%- set blocking_rules = identity_blocking_rules() %}
blocking_keys as (
    {%- for rule in blocking_rules %}
        select
            record_number,
            party_type,
            '{{ rule["name"] }}' as blocking_rule,
            concat_ws('|', {{ rule['parts'] | join(', ') }}) as block_key
        from records
        where
            {{ "coalesce(party_type, '') <> '" ~ rule["not_type"] ~ "'" if rule["not_type"] else 'true' }}
            {%- for part in rule['parts'] %}
                and {{ part }} is not null
            {%- endfor %}
        {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

sized_blocks as (
    select
        *,
        count(*) over (partition by blocking_rule, block_key) as block_size
    from blocking_keys
),

blocked_pairs as (
    select
        left_keys.record_number as left_record_number,
        right_keys.record_number as right_record_number,
        left_keys.blocking_rule
    from sized_blocks as left_keys
    inner join sized_blocks as right_keys
        on
            left_keys.blocking_rule = right_keys.blocking_rule
            and left_keys.block_key = right_keys.block_key
            and left_keys.record_number < right_keys.record_number
    -- Oversized blocks (a key most records share) are skipped rather than compared all-to-all.
    where
        left_keys.block_size <= {{ var('identity_max_block_size') }}
        -- A rule for both kinds of record still never pairs a person with an organization.
        and (
            left_keys.party_type is null
            or right_keys.party_type is null
            or left_keys.party_type = right_keys.party_type
        )
),

-- Records a steward decided on are compared whatever their keys (a decision on a record that no
-- longer exists is dropped here).
steward_pairs as (
    select
        least(left_records.record_number, right_records.record_number) as left_record_number,
        greatest(left_records.record_number, right_records.record_number) as right_record_number
    from link_decisions
    inner join records as left_records
        on link_decisions.left_record_key = left_records.source_record_key
    inner join records as right_records
        on link_decisions.right_record_key = right_records.source_record_key
),

all_pairs as (
    select
        left_record_number,
        right_record_number,
        identifier_type,
        null as blocking_rule
    from identifier_pairs
    union all
    select
        left_record_number,
        right_record_number,
        null as identifier_type,
        blocking_rule
    from blocked_pairs
    union all
    select
        left_record_number,
        right_record_number,
        null as identifier_type,
        null as blocking_rule
    from steward_pairs
),

final as (
    select
        left_record_number,
        right_record_number,
        -- list_distinct drops the nulls of the other kind of row.
        list_sort(list_distinct(list(identifier_type))) as shared_identifiers,
        list_sort(list_distinct(list(blocking_rule))) as blocking_rules
    from all_pairs
    group by left_record_number, right_record_number
)

select * from final
