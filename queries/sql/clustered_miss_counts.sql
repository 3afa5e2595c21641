-- clustered_rates' corrections for a text in most rows: the part sums (clustered_part_counts
-- .sql, clustered_part_state_counts.sql) are taken without the text, over whole parts;
-- {missed} holds the rows of decision_facts the text misses (queries/missed_rows.py, kept per
-- text), {where} the other filters. Only the (group, letter) pairs holding a missed row
-- change: each loses its missed rows (m of them, mk overturned), so its n and k become n - m
-- and k - mk, and it leaves its group when n = m.
-- The sums of n, k, k^2, kn, n^2 and the letter count are additive over pairs, so adding
-- (new - old) for these pairs gives the sums under the text, grouping only the missed rows.
-- A pair's n and k are its part's ({part_n}, {part_k}), times the times its letter's state
-- list maps to the group ({repeats}: the unnest repeats a row that many times, rows / distinct
-- items; 1 without an unnest). Without an unnest a part of one item ({single}) is a pair of
-- one missed row, which needs no grouping.
-- Rows of a pooled group ({pooled}) are left to the per-letter grouping.
with missed_rows as not materialized (
    select {keys}, letter_no, item_no, overturned, {part_n} as part_n, {part_k} as part_k
    from (
        select *{expand} from {missed} as items
        where {where}
    ) as missed
    where {dated} and not ({pooled})
)

select
    {names},
    -count(*) filter (where n = m)::bigint as letters,
    -sum(m)::bigint as decisions,
    -sum(mk)::bigint as overturned,
    sum((k - mk) * (k - mk) - k * k)::double as skk,
    sum((k - mk) * (n - m) - k * n)::double as skn,
    sum((n - m) * (n - m) - n * n)::double as snn
from (
    -- a part of one item ({single}, without an unnest) is its own pair: no grouping
    select
        {names},
        letter_no,
        count(*)::bigint as m,
        count(*) filter (where overturned)::bigint as mk,
        {repeats} * any_value(part_n)::bigint as n,
        {repeats} * any_value(part_k)::bigint as k
    from missed_rows
    where not ({single})
    group by all
    union all by name
    select {names}, letter_no, 1::bigint as m, overturned::bigint as mk, part_n::bigint as n,
        part_k::bigint as k
    from missed_rows
    where {single}
) as pairs
group by all
