-- What the derived tables were built from; queries use them only while this still matches.
create or replace table derived_state as
select
    (select count(*) from letters) as letters,
    (select count(*) from decisions) as decisions,
    (select max(ingested_at) from letters) as mark
