-- The decisions numbered in [$lo, $hi) with their text, for a full (re)build of the index: in
-- decision_no order (FTS5 appends ascending rowids to one segment; a smaller one starts anew).
-- Numbers follow storage order, so each range reads a few row groups (zonemaps), and the
-- sort stays small however big the database.
select d.decision_no, d.letter_id, d.service, coalesce(d.rationale, '') as rationale
from decisions as d
where d.decision_no >= $lo and d.decision_no < $hi
order by d.decision_no
