-- How many letters and decisions match the filters, how many were overturned, and the
-- overturn rate (of decisions) with its 95 % Wilson interval and the decision-date span.
with filtered as (
    select * from ({items}) as items where {where}
),

counts as (
    select
        count(distinct letter_no) as letters,
        count(*) as decisions,
        count(*) filter (where not overturned) as upheld,
        count(*) filter (where overturned) as overturned,
        min(decision_date) as first_date,
        max(decision_date) as last_date,
        count(distinct letter_no) filter (where decision_date is null) as undated_letters,
        count(distinct letter_no) filter (where is_demo) as demo_letters
    from filtered
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
