-- The text of one page of search results, by decision_no ({numbers}: registered by code).
select d.decision_no, d.service, coalesce(d.rationale, '') as rationale
from decisions as d
where d.decision_no in (select n.decision_no from {numbers} as n)
