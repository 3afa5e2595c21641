-- Every indexed row's length in tokens (FTS5's fts_docsize, all columns summed) as arrays of
-- BLOCK lengths (uint16, or uint32 if one needs it; zlib) per block of decision numbers, so
-- bm25 reads 90 k lengths in ~50 blob reads instead of 90 k B-tree seeks. Written in the
-- transaction that writes the postings.
create table if not exists doc_sizes(
    block integer primary key,
    sizes blob not null
);
