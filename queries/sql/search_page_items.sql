-- The decisions of one page of search results chosen by number ({marks}: one $n_i each). A
-- literal IN list on decisions (stored in decision_no order) reads only the row groups that
-- hold them (zonemaps): tens of ms, where a join with the derived table scans it whole.
select d.decision_no as rowid, d.letter_id, d.item_no, d.service, d.outcome
from decisions as d
where d.decision_no in ({marks})
