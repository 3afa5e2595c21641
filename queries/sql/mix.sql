-- Share of dated decisions per value of {level} in each {grain} (period = its first day),
-- optionally within one service category ({within}), with a 95 % Wilson interval on the
-- share. Every (period, value) pair appears, zero-filled, so stacked charts do not gap.
with filtered as (
    select * from ({items}) as items where {where} and {within}
),

daily as (
    -- counted per day first: truncating a few thousand days, not every decision, to periods
    select decision_date, {level} as value, count(*) as decisions
    from filtered
    where decision_date is not null
    group by all
),

counts as (
    select date_trunc('{grain}', decision_date)::date as period, value,
        sum(decisions)::bigint as decisions
    from daily
    group by all
),

grid as (
    select p.period, v.value
    from (select distinct period from counts) as p
    cross join (select distinct value from counts) as v
),

filled as (
    select g.period, g.value, coalesce(c.decisions, 0) as decisions
    from grid as g
    left join counts as c on c.period = g.period and c.value = g.value
),

final as (
    select
        period,
        value,
        decisions,
        (sum(decisions) over (partition by period))::bigint as period_decisions,
        decisions / period_decisions as share,
        wilson_low(decisions, period_decisions) as ci_low,
        wilson_high(decisions, period_decisions) as ci_high
    from filled
)

select * from final
order by period, decisions desc, value
