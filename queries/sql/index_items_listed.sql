-- The decisions numbered in $numbers (a list parameter) with their text, for a sync.
select d.decision_no, d.letter_id, d.service, coalesce(d.rationale, '') as rationale
from decisions as d
where d.decision_no in (select unnest($numbers::bigint[]))
order by d.decision_no
