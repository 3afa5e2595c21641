-- The quarantine holds each file's latest verdict: drop older verdicts of this batch's files,
-- by content and by path (a file changed or deleted mid-run and stored later is no problem now).
delete from quarantine
where list_contains($shas, source_sha256) or list_contains($paths, source_path)
