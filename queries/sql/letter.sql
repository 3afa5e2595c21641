-- One letter, found by letter id or case number.
select * from letters
where letter_id = $key or case_number = $key
order by letter_id
limit 1
