-- A letter re-parsed from the same file replaces its stored rows (view: replaced_ids).
delete from decisions where letter_id in (select letter_id from replaced_ids);
delete from letters where letter_id in (select letter_id from replaced_ids);
