-- group_trend's first pass when the filters and the grouping select whole parts of letters
-- (queries/letter_rows.py): per period and group, the sums clustered_rates.sql needs, over
-- the parts' first rows ({first}; each carries its part's n and k, so a (group, letter) needs
-- no regrouping). Every group's: their dated decisions pick the top k (queries/group_trend.py),
-- whose rows are then used as they are; the pooled rest is regrouped per letter there (a
-- letter may straddle pooled groups). This pass replaces both the group_sizes.sql scan and
-- clustered_rates' sums of the top groups. Under a text the rows carry the parts' matching
-- counts at their first rows ({text_join}: a positional join, queries/text_counts.py).
with filtered as (
    select * from ({items}) as items{text_join} where {where}
)

select
    period,
    grp,
    count(*)::bigint as letters,
    sum(n)::bigint as decisions,
    sum(k)::bigint as overturned,
    sum(k * k)::double as skk,
    sum(k * n)::double as skn,
    sum(n * n)::double as snn
from (
    select {period} as period, ({key})::varchar as grp, {part_n} as n, {part_k} as k
    from filtered
    where {first} and decision_date is not null
) as parts
group by all
