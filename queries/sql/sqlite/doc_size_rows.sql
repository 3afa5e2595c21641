-- FTS5's own per-row lengths (one varint per column) of the rows numbered in [?, ?].
select id, sz from fts_docsize where id between ? and ?
