-- An in-memory FTS5 table for one page of results: the index's tokenizer and columns, with
-- the text, so snippet() highlights exactly what the index matched (stems included).
create virtual table page using fts5(service, rationale, tokenize = 'porter unicode61');
