-- Every manual override with whether it is applied and, if not, why: only overrides approved by a
-- steward who may approve them, not expired at the as-of date, for a known customer and segment, count.
with

overrides as (
    select * from {{ ref('segment_overrides') }}
),

stewards as (
    select * from {{ ref('data_stewards') }}
),

catalog as (
    select * from {{ ref('segment_catalog') }}
),

customer_features as (
    select * from {{ ref('int_features__customer_features') }}
),

as_of_date as (
    select * from {{ ref('int_features__as_of_date') }}
),

judged as (
    select
        overrides.override_id,
        overrides.customer_id,
        overrides.segment_code,
        overrides.reason,
        overrides.requested_by,
        overrides.approved_by,
        overrides.approved_on,
        overrides.expires_on,
        as_of_date.as_of_date,
        case
            when overrides.approved_by is null or overrides.approved_on is null then 'not_approved'
            when stewards.steward_email is null then 'approver_not_a_steward'
            when not stewards.can_approve_overrides then 'approver_may_not_approve'
            when lower(overrides.approved_by) = lower(overrides.requested_by) then 'approved_by_requester'
            when overrides.approved_on > as_of_date.as_of_date then 'approved_after_as_of_date'
            when overrides.expires_on is not null and overrides.expires_on < as_of_date.as_of_date then 'expired'
            when customer_features.customer_id is null then 'unknown_customer'
            when catalog.segment_code is null then 'unknown_segment'
            when catalog.retired_on <= as_of_date.as_of_date then 'retired_segment'
        end as rejection_reason
    from overrides
    cross join as_of_date
    left join stewards
        on lower(overrides.approved_by) = lower(stewards.steward_email)
    left join catalog
        on overrides.segment_code = catalog.segment_code
    left join customer_features
        on overrides.customer_id = customer_features.customer_id
),

-- Of several valid overrides for one customer, the latest approved wins; the others are superseded.
ranked as (
    select
        *,
        row_number() over (
            partition by customer_id, rejection_reason is null
            order by approved_on desc, override_id desc
        ) as validity_rank
    from judged
),

final as (
    select
        override_id,
        customer_id,
        segment_code,
        reason,
        requested_by,
        approved_by,
        approved_on,
        expires_on,
        as_of_date,
        case
            when rejection_reason is null and validity_rank > 1 then 'superseded'
            else rejection_reason
        end as rejection_reason,
        rejection_reason is null and validity_rank = 1 as is_applied
    from ranked
)

select * from final
