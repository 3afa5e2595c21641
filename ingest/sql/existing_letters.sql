-- Letters of this batch already stored, with the file they came from.
select letter_id, source_sha256, source_path
from letters
where list_contains($ids, letter_id)
