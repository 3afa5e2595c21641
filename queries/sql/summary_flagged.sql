-- summary.sql when one row per letter carries {flag} (queries/rates.py `letter_flag`): every
-- letter is counted at that row, with no per-letter grouping of 3 M rows.
with filtered as (
    select * from ({items}) as items where {where}
),

counts as (
    select
        count(*) filter (where {flag}) as letters,
        count(*)::bigint as decisions,
        (count(*) - count(*) filter (where overturned))::bigint as upheld,
        count(*) filter (where overturned)::bigint as overturned,
        min(decision_date) as first_date,
        max(decision_date) as last_date,
        count(*) filter (where {flag} and decision_date is null) as undated_letters,
        count(*) filter (where {flag} and is_demo) as demo_letters
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
