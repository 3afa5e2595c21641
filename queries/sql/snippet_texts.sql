-- The text of one page of search results by decision_no ({marks}: one $n_i per number). A
-- literal IN list is a filter on the scan: only the few matching rows' text is read (a join
-- would decompress every vector of the rationale column).
select d.decision_no, d.service, coalesce(d.rationale, '') as rationale
from decisions as d
where d.decision_no in ({marks})
