-- One letter by its id: a primary-key point read (letter_id is the case number when the letter
-- has one, so this finds nearly every lookup without scanning case_number).
select * from letters
where letter_id = $key
