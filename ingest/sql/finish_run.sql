-- What the run saw and did, written once at its end (also after an interrupt).
update ingest_runs
set finished_at = $finished_at, seen = $seen, added = $added, skipped = $skipped,
    duplicates = $duplicates, quarantined = $quarantined, interrupted = $interrupted
where run_id = $run_id
