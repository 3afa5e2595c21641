-- decision_keys.sql for a text in most rows: the first $n rows of the other filters ({where})
-- in the page's order, each marked when the text misses it ({misses}: the decision numbers it
-- misses). The top-N of a plain scan skips row groups by date; with the anti-join in between it
-- read every row. queries/tables.py keeps the unmarked rows (and asks for more if too few).
with top as (
    select rowid as fact_row, decision_no, {sort} as sort_key, letter_id, item_no
    from decision_facts as items
    where {where}
    order by {sort} {direction} nulls last, letter_id, item_no
    limit $n
)

select fact_row, decision_no in (select rowid from {misses}) as missed
from top
order by sort_key {direction} nulls last, letter_id, item_no
