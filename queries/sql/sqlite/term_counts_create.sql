-- Each frequent word's weighted count (service x4 + rationale) in every row, for bm25 of an
-- AND with it (queries/term_counts.py): per block of BLOCK decision numbers, the counts
-- (uint8, wider if one needs it; zlib) and how many rows hold the word (their sum is bm25's
-- document count). A block without a row holding the word is absent. Written in the
-- transaction that writes the postings.
create table if not exists term_counts(
    term text not null,
    block integer not null,
    docs integer not null,
    counts blob not null,
    primary key (term, block)
) without rowid;
