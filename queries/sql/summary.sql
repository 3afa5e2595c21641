-- How many letters and decisions match the filters, how many were overturned, and the
-- overturn rate (of decisions) with its 95 % Wilson interval and the decision-date span.
-- Items are first grouped per letter: one hash aggregate instead of three distinct counts.
with filtered as (
    select * from ({items}) as items where {where}
),

per_letter as (
    select
        letter_no,
        count(*) as decisions,
        count(*) filter (where overturned) as overturned,
        any_value(decision_date) as decision_date,  -- letter-level fields: one value each
        any_value(is_demo) as is_demo
    from filtered
    group by letter_no
),

counts as (
    select
        count(*) as letters,
        coalesce(sum(decisions), 0)::bigint as decisions,
        coalesce(sum(decisions - overturned), 0)::bigint as upheld,
        coalesce(sum(overturned), 0)::bigint as overturned,
        min(decision_date) as first_date,
        max(decision_date) as last_date,
        count(*) filter (where decision_date is null) as undated_letters,
        count(*) filter (where is_demo) as demo_letters
    from per_letter
),

final as (
    select
        letters, decisions, upheld, overturned,
        overturned / nullif(decisions, 0) as rate,
        wilson_low(overturned, decisions) as ci_low,
        wilson_high(overturned, decisions) as ci_high,
        first_date, last_date, undated_letters, demo_letters
    from counts
)

select * from final
