-- The decisions listed in {numbers} (registered by code) with their text, for a sync.
select d.decision_no, d.letter_id, d.service, coalesce(d.rationale, '') as rationale
from decisions as d
where d.decision_no in (select n.decision_no from {numbers} as n)
order by d.decision_no
