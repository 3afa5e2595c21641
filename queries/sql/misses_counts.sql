-- rate_by's / trend's counts under a text in most rows: the counts over the other filters'
-- rows (`base`: rate_by_counts.sql or rate_by_state_counts.sql over `filtered`, which holds
-- no text filter) less what the rows the text misses ({misses}: their decision numbers, ~2 %
-- of rows) take away. A (group, letter) leaves the letter count when every one of its rows is
-- missed, so only the letters with a missed row are regrouped, not the ~3 M matching rows.
-- {groups}: the grouping columns; {expand}: the state unnest when grouping by state;
-- {lost_letters}: the letters a group loses, or NULL when the caller wants no letter count.
-- Which rows are regrouped ({touched}) and when a (group, letter) is gone ({gone}):
--   in general, every row of the letters with a missed row, gone when all of them are missed;
--   when a flagged part (queries/rates.py `letter_flag`) is what a (group, letter) selects,
--   only the missed rows, gone when they are all of the part's items (`<part>_items`).
with touched as (
    select *, decision_no in (select rowid from {misses}) as missed
    from filtered
    where {touched}
),

lost_pairs as (
    select
        {groups},
        letter_no,
        count(*) filter (where missed) as decisions,
        count(*) filter (where missed and overturned) as overturned,
        {gone} as gone
    from (select *{expand} from touched) as expanded
    group by all
),

lost as (
    select
        {groups},
        -sum(decisions) as decisions,
        -sum(overturned) as overturned,
        {lost_letters} as letters
    from lost_pairs
    group by all
)

select
    {groups},
    sum(decisions)::bigint as decisions,
    sum(overturned)::bigint as overturned,
    sum(letters)::bigint as letters
from (
    select {groups}, decisions, overturned, letters from ({base}) as base
    union all
    select {groups}, decisions, overturned, letters from lost
) as signed
group by all
having sum(decisions) > 0
