-- Forget the indexed rows of letters in temp.changed that an earlier sync wrote (rowid < ?).
delete from docs
where rowid in (select rowid from docs where letter_id in (select letter_id from temp.changed))
    and rowid < ?
