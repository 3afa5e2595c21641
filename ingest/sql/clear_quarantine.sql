-- The quarantine holds each file's latest verdict: drop older verdicts of this batch's files.
delete from quarantine where list_contains($shas, source_sha256)
