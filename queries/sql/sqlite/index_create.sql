-- The full-text index file (SQLite FTS5). Bump search_index.INDEX_FORMAT when this changes.
create table meta(key text primary key, value text);
create table docs(rowid integer primary key, letter_id text not null, item_no integer not null);
create index docs_letter on docs(letter_id);
create virtual table fts using fts5(service, rationale, tokenize = 'porter unicode61');
