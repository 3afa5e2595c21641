-- Overturn rate of decisions per group ({groups}: one dimension, or two for a cross-tab),
-- with 95 % Wilson intervals; groups under $min_n decisions are flagged small and not ranked.
-- {expand} adds the grouping column (reviewer_state unnests: a letter counts once per state).
-- {letters}: the distinct-letter count, or NULL when the caller does not need it (it is
-- about 95 % of the query's cost at 3 M decisions).
with filtered as (
    select * from ({items}) as items where {where}
),

expanded as (
    select *{expand} from filtered
),

counts as (
    select
        {groups},
        count(*) as decisions,
        count(*) filter (where overturned) as overturned,
        {letters} as letters
    from expanded
    group by all
),

rated as (
    select
        *,
        overturned / decisions as rate,
        wilson_low(overturned, decisions) as ci_low,
        wilson_high(overturned, decisions) as ci_high,
        decisions < $min_n as small
    from counts
),

final as (
    select
        {groups}, decisions, overturned, rate, ci_low, ci_high, letters, small,
        case when not small
            then rank() over (partition by {partition} order by rate desc)
        end as rank
    from rated
)

select * from final
order by {order}
