-- The letters stored after the derived tables were last built (added or replaced since):
-- the candidates of an incremental refresh. Kept in a temporary table for its few steps.
create or replace temp table derived_delta as
select letter_id from letters
where ingested_at > $ingested_through
