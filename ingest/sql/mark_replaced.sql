-- `imr ingest --replace`: the file a replaced letter came from no longer backs a letter.
update source_files set status = 'replaced', letter_id = null
where list_contains($shas, source_sha256)
