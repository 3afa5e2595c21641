-- The full-text index file (SQLite FTS5). Bump search_index.INDEX_FORMAT when this changes.
-- `fts` is contentless: it keeps the postings but no copy of the text (snippets are made from
-- DuckDB's own column), and its rowid is decisions.decision_no. A contentless table cannot
-- forget a row without its old text, so `docs` is the keyed side: the decisions indexed and
-- still stored. Numbers are never reused, so a replaced letter's stale postings join nothing.
create table meta(key text primary key, value text);
create table docs(
    letter_id text not null,
    decision_no integer not null,
    primary key (letter_id, decision_no)
) without rowid;
create virtual table fts using fts5(
    service, rationale, content = '', tokenize = 'porter unicode61'
);
