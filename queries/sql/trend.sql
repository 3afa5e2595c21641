-- Overturn rate of dated decisions per {grain} (period = its first day) [and per the by-column];
-- a period is partial when the data span [$span_first, $span_last] does not cover it whole.
-- The counts step (decisions, overturned and letters per decision date [and
-- by-column] over `filtered`) is code-made as rate_by's is (queries/rates.py `_counts`); the
-- period is then taken of ~4 k dates, not of 3 M rows (a letter has one date, so its letter
-- counts add up over the dates of a period).
with filtered as not materialized (  -- the text-misses counts read it twice: not copied
    select * from ({items}) as items where ({where}) and decision_date is not null
),

by_date as (
    {counts}
),

counts as (
    select
        date_trunc('{grain}', decision_date)::date as period {by_col},
        sum(decisions)::bigint as decisions,
        sum(overturned)::bigint as overturned,
        sum(letters)::bigint as letters
    from by_date
    group by all
),

final as (
    select
        period {by_col},
        decisions,
        overturned,
        overturned / decisions as rate,
        wilson_low(overturned, decisions) as ci_low,
        wilson_high(overturned, decisions) as ci_high,
        letters,
        period < $span_first
        or (period + interval 1 {grain} - interval 1 day)::date > $span_last as partial
    from counts
)

select * from final
order by period {by_col}
