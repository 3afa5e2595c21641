-- FTS5's averages record: the row count and each column's total tokens, as varints.
select block from fts_data where id = 1
