-- Every indexed item matching an FTS5 expression; {score} is the bm25 rank or 0.0 when unranked.
select d.rowid, d.letter_id, d.item_no, {score}
from fts join docs as d on d.rowid = fts.rowid
where fts match ?
