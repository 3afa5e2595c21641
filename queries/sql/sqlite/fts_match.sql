-- Every indexed decision_no matching an FTS5 expression with its {score} (bm25, higher is
-- better). Replaced letters' numbers may match: they join no stored decision.
select rowid, {score}
from fts
where fts match ?
