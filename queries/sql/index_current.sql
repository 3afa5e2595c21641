-- The stored decision numbers of letters ingested at or after $mark (what a sync must match).
select d.letter_id, d.decision_no
from decisions as d
join letters as l using (letter_id)
where l.ingested_at >= $mark
