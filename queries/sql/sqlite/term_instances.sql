-- Every occurrence of one term in the index (fts5vocab, in rowid order), as one comma-joined
-- value of doc * 2 + (1 in the service column, 0 in the rationale): a single doclist walk in C.
select group_concat(doc * 2 + (col = 'service')) from temp.fts_instances where term = ?
