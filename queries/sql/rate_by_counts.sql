-- rate_by's counts in one pass: {expand} adds the grouping column (reviewer_state unnests: a
-- letter counts once per state). {letters}: count(distinct letter_no), a count of rows
-- flagged one per letter and group (queries/rates.py `letter_flag`), or NULL when the caller
-- does not need it (the distinct count is most of the query's cost at 3 M decisions).
select
    {groups},
    count(*) as decisions,
    count(*) filter (where overturned) as overturned,
    {letters} as letters
from (select *{expand} from filtered) as expanded
group by all
