-- A short excerpt per row of the in-memory `page` table (same tokenizer as the index) with the
-- matched terms in ** (Markdown bold).
select rowid, snippet(page, -1, '**', '**', '…', {tokens})
from page
where page match ?
