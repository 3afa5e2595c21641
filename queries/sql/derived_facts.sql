-- The `items` relation materialised (without the rationale text), sorted by decision date so
-- date filters skip row groups. Rebuilt by queries.derived after every ingest.
create or replace table decision_facts as
select * exclude (rationale) from ({items}) as items
order by decision_date, letter_id, item_no
