-- Matching decisions per decision date (NULL: undated) on decision_facts: a deep page sorted
-- by date finds the few dates its rows fall on from these counts (~4 k dates), then sorts only
-- those dates' rows (queries/tables.py `_date_window`).
select decision_date, count(*) as n
from ({items}) as items
where {where}
group by all
