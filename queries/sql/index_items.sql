-- The items to (re)index in the full-text index: those of letters ingested at or after $mark.
select d.letter_id, d.item_no, d.service, coalesce(d.rationale, ''), l.ingested_at
from decisions as d join letters as l using (letter_id)
where l.ingested_at >= $mark
