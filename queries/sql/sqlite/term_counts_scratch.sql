-- An in-memory copy of the index's FTS5 table (same columns and tokenizer, no text) for the
-- rows a sync adds: fts5vocab over it gives their per-row counts of the frequent words.
create virtual table fts using fts5(
    service, rationale, content = '', tokenize = 'porter unicode61'
);
