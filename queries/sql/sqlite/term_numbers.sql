-- The indexed decision numbers in [?, ?] holding one term, comma-joined in one value.
select group_concat(rowid) from fts where fts match ? and rowid between ? and ?
