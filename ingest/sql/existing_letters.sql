-- Letters of this batch already stored, with the hash of the file they came from.
select letter_id, source_sha256
from letters
where list_contains($ids, letter_id)
