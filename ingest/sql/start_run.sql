-- A new ingest_runs row; its counts are filled in by finish_run.sql.
insert into ingest_runs (run_id, started_at, paths, extractor)
select coalesce(max(run_id), 0) + 1, $started_at, $paths, $extractor
from ingest_runs
returning run_id
