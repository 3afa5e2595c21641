-- Documents per term of the in-memory `sample` table (fts5vocab), the most frequent first.
select term, doc from sample_terms where doc >= ? order by doc desc, term limit ?
