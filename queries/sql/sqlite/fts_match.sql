-- The indexed decision numbers in [?, ?] matching an FTS5 expression, with their {score}
-- (bm25, higher is better). Replaced letters' numbers may match: they join nothing.
select rowid, {score}
from fts
where fts match ? and rowid between ? and ?
