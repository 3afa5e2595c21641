-- The text of the rows index_drop_stale_docs.sql forgets; run first, while docs still has them.
delete from fts
where rowid in (select rowid from docs where letter_id in (select letter_id from temp.changed))
    and rowid < ?
