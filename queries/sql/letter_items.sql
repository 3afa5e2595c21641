-- The decided items of one letter, in letter order.
select * from decisions where letter_id = $letter_id order by item_no
