-- The decisions to (re)index: all, or those of letters ingested at or after $mark, in
-- decision_no order (FTS5 appends ascending rowids to one segment; a smaller one starts anew).
select d.decision_no, d.letter_id, d.service, coalesce(d.rationale, '') as rationale
from decisions as d
where $mark is null
    or d.letter_id in (select l.letter_id from letters as l where l.ingested_at >= $mark)
order by d.decision_no
