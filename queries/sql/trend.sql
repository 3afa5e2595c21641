-- Overturn rate of dated decisions per {grain} (period = its first day) [and per the by-column];
-- a period is partial when the data span [$span_first, $span_last] does not cover it whole.
-- {letters}: the distinct-letter count, or NULL when the caller does not need it (it is
-- most of the query's cost at 3 M decisions).
with filtered as (
    select * from ({items}) as items where {where}
),

periods as (
    select *, date_trunc('{grain}', decision_date)::date as period {by_expand}
    from filtered
    where decision_date is not null
),

counts as (
    select
        period {by_col},
        count(*) as decisions,
        count(*) filter (where overturned) as overturned,
        {letters} as letters
    from periods
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
