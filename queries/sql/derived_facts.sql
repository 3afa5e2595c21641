-- The `items` relation materialised (without the rationale text), sorted by decision date so
-- date filters skip row groups. Rebuilt whole by queries.derived when many letters changed;
-- a few changed letters are deleted and appended instead (queries/derived_delta.py).
create or replace table decision_facts as
select * from ({rows}) as facts
order by decision_date, letter_id, item_no
