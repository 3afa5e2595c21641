-- Number the decisions of a database made before `decision_no` (run once, in one transaction
-- by store.migrate). ADD COLUMN evaluates the default per existing row, in storage order, so
-- the rows get 1..n and the sequence continues after them. The derived tables were copied
-- without the column: dropping their state marks them stale, so the next run rebuilds them.
drop sequence if exists decision_no_seq;
create sequence decision_no_seq;
alter table decisions add column decision_no bigint default nextval('decision_no_seq');
drop table if exists derived_state;
