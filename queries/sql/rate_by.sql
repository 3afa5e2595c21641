-- Overturn rate of decisions per group ({groups}: one dimension, or two for a cross-tab),
-- with 95 % Wilson intervals; groups under $min_n decisions are flagged small and not ranked.
-- The counts step (decisions, overturned and letters per group over `filtered`) is code-made
-- from rate_by_counts.sql (one pass over the rows) or rate_by_state_counts.sql (per state list
-- first, on decision_facts), under a text in most rows wrapped by misses_counts.sql.
with filtered as not materialized (  -- the text-misses counts read it twice: not copied
    select * from ({items}) as items where {where}
),

counts as (
    {counts}
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
