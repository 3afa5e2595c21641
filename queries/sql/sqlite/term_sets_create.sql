-- The hit sets of the index's most frequent terms, so a word in most rows costs a few blob
-- reads instead of a walk of millions of postings. `term_list` names the terms (as the
-- tokenizer stores them) whose sets are complete; `term_bits` holds each term's matching
-- decision numbers as bitmaps of BLOCK numbers (zlib), a block absent when it has no hit.
-- Both are written in the transaction that writes the postings: a listed term's set is
-- always exactly the rowids FTS5 would return for it.
create table if not exists term_list(term text primary key) without rowid;
create table if not exists term_bits(
    term text not null,
    block integer not null,
    bits blob not null,
    primary key (term, block)
) without rowid;
