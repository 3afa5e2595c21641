-- Every indexed decision_no matching an FTS5 expression; {score} is the bm25 rank or 0.0.
-- Numbers of replaced letters may still match: they join no stored decision.
select rowid, {score}
from fts
where fts match ?
