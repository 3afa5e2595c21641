-- The highest decision_no the index holds (FTS5 reads it from the end of its rowid order).
select max(rowid) from fts
