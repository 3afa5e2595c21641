-- Every indexed decision_no matching an FTS5 expression, comma-joined in one value (one row
-- instead of millions through Python). Replaced letters' numbers may match: they join nothing.
select group_concat(rowid) from fts where fts match ?
