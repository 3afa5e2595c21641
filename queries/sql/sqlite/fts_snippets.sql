-- A short excerpt per rowid with the matched terms in ** (Markdown bold); {marks}: one ? per rowid.
select rowid, snippet(fts, -1, '**', '**', '…', {tokens})
from fts
where fts match ? and rowid in ({marks})
