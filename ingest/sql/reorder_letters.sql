-- letters in decision-date order (undated letters last), ties by letter_id: every column copied.
insert into {target}
select * from letters
order by decision_date nulls last, letter_id
