-- The row ids of one page of matching decisions on decision_facts, sorted as decisions.sql
-- sorts: only the sort key and the tie-breaks go through the top-N (a deep page keeps
-- offset + limit of them, not whole rows); decision_page.sql then reads the page's rows.
select rowid as fact_row
from decision_facts as items
where {where}
order by {sort} {direction} nulls last, letter_id, item_no
limit $limit offset $offset
